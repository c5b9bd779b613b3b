"""Where an SSH connection looks by default, as OpenSSH's `ssh` does. Kept apart from `ssh` so
the console side of the relay can name them without importing asyncssh."""

DEFAULT_SSH_CONFIG = "~/.ssh/config"
DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts"
