"""Flask extensions as module globals, bound to an app by ``init_app``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of every table."""


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        """``db.Model`` as the type checker sees it: Flask-SQLAlchemy's mixin and ``Base``.

        mypy cannot take a base class from an attribute (``class T(db.Model)``); at run time
        ``Model`` is ``db.Model`` itself, which Flask-SQLAlchemy builds from the same parts.
        """

        __abstract__ = True

else:
    Model = db.Model
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "officer.login"
login_manager.login_message = "请先登录。"
