"""Following a unit by e-mail (关注单位): double opt-in, one-click unsubscribe, no account.

A follower gives an address for one unit; nothing is sent until they confirm from the mail.
After that, ``yimatong feedback follow notify`` mails them what the build newly published
about the unit (the events file a build writes beside the directory file). Addresses are
personal data: never shown on a page or put in an export; exported or deleted on request
(``follow export`` / ``follow forget``). See docs/feedback.md "Following a unit".
"""
