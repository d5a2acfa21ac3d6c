"""The site app and its page views, frozen to files by the build."""
