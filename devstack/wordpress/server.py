"""A real, self-hosted WordPress on this machine for the tests and the local stack: start it, stop it.

Debian's `wordpress` package (6.1.9 on Debian 12) served by `php -S` with router.php, on a
private MariaDB (`mariadbd` on a unix socket, `--skip-networking`), all under one temporary
folder: nothing in /etc, /var/lib/wordpress or /usr/share/wordpress is touched (Debian's own
wp-config.php reads /etc/wordpress/config-<host>.php, so the site gets a private copy of the
code with its own wp-config.php). Why this and not SQLite or WordPress Playground, with the
figures, is docs/platforms.md's "WordPress" section.

`install()` apt-gets the packages when they are missing and we are root (`make wordpress` does
the same from the shell); `start()` makes a fresh site (MariaDB data dir, WordPress install,
users with application passwords: seed.php) in about 2-3 s and hands back a `LocalWordPress`;
`LocalWordPress.stop()` ends both servers' process groups (`php -S` leaves its
PHP_CLI_SERVER_WORKERS children running when only its parent is killed) and deletes the folder.
`WordPressUnavailable` says why it cannot run here (no packages, not root to install them).

    from devstack.wordpress import start
    with start() as site:
        site.url, site.users["admin"].password

`python -m devstack.wordpress [--port N]` runs one from a shell until Ctrl-C.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
WORDPRESS = Path("/usr/share/wordpress")  # Debian's package
PACKAGES = ("wordpress", "php-cli", "php-mysql", "php-gd", "php-curl", "php-xml", "php-mbstring", "mariadb-server")
# The users every site gets: an administrator, and an author without the right to publish
# (a contributor: edit_posts, no publish_posts, no upload_files), which connecting refuses.
USERS = ({"login": "admin", "role": "administrator"}, {"login": "contributor", "role": "contributor"})
META_PLUGIN = "soku-meta.php"


class WordPressUnavailable(RuntimeError):
    """The packages are not installed and cannot be (not root, no apt-get): WordPress cannot run here."""


class WordPressError(RuntimeError):
    """A server did not start; the message holds its log."""


@dataclass(frozen=True)
class SiteUser:
    login: str
    id: int
    password: str  # an application password (`xxxx xxxx xxxx xxxx xxxx xxxx`)


def missing() -> list[str]:
    """What this machine lacks to run the site; empty when it has everything."""
    lacks = [name for name in ("mariadbd", "mariadb-install-db", "mariadb", "php") if shutil.which(name) is None]
    if not (WORDPRESS / "wp-settings.php").is_file():
        lacks.append(f"{WORDPRESS} (Debian's wordpress package)")
    if shutil.which("php") and "mysqli" not in subprocess.run(["php", "-m"], capture_output=True, text=True).stdout:
        lacks.append("PHP's mysqli extension (php-mysql)")
    return lacks


def install(*, quiet: bool = True) -> None:
    """The Debian packages, apt-get installed when missing and we are root with apt-get (about
    60 s, once). Raises WordPressUnavailable, saying what is missing and why it was not installed."""
    lacks = missing()
    if not lacks:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise WordPressUnavailable(f"no local WordPress: missing {', '.join(lacks)}, and "
                                   f"{'not root' if os.geteuid() != 0 else 'no apt-get'} to install "
                                   f"{' '.join(PACKAGES)}")
    if not quiet:
        print(f"installing Debian's {' '.join(PACKAGES)} (the local WordPress)", flush=True)
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES]):
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise WordPressUnavailable(f"{' '.join(cmd)} failed: {(proc.stderr or proc.stdout)[-1500:]}")
    if missing():
        raise WordPressUnavailable(f"still missing after apt-get: {', '.join(missing())}")


_RUNNING: set["LocalWordPress"] = set()


@atexit.register
def _stop_leftovers() -> None:
    for site in list(_RUNNING):
        site.stop()


@dataclass(eq=False)
class LocalWordPress:
    """A running site. `with` it, or call stop()."""

    url: str
    users: dict[str, SiteUser]
    folder: Path
    processes: list[subprocess.Popen] = field(repr=False, default_factory=list)
    startup_s: float = 0.0

    @property
    def log_path(self) -> Path:
        return self.folder / "php.log"

    def log_tail(self, chars: int = 4000) -> str:
        parts = []
        for name in ("php.log", "debug.log", "mariadb.err", "seed.err"):
            try:
                parts.append(f"--- {name}\n" + (self.folder / name).read_text(errors="replace")[-chars:])
            except OSError:
                pass
        return "\n".join(parts)

    def running(self) -> bool:
        return bool(self.processes) and all(p.poll() is None for p in self.processes)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM to each server's process group, SIGKILL after `timeout` s; deletes the folder.
        Idempotent."""
        _RUNNING.discard(self)
        for proc in reversed(self.processes):  # php first, then the database under it
            _end_group(proc, timeout)
        self.processes = []
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "LocalWordPress":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _end_group(proc: subprocess.Popen, timeout: float) -> None:
    if proc.poll() is None:
        _signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait(5)
    _signal_group(proc.pid, signal.SIGKILL)  # workers a parent left behind


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, timeout: float, what: str, site: LocalWordPress) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if not site.running():
            break
        time.sleep(0.05)
    site_log = site.log_tail()
    site.stop()
    raise WordPressError(f"{what} did not come up within {timeout:.0f} s:\n{site_log}")


_WP_CONFIG = """<?php
// The local WordPress of devstack/wordpress: a private database on a socket, and
// WP_ENVIRONMENT_TYPE 'local', which lets application passwords work over plain http
// (wp_is_application_passwords_supported: is_ssl() or a 'local' environment).
define('DB_NAME', 'wordpress'); define('DB_USER', 'wp'); define('DB_PASSWORD', 'wp');
define('DB_HOST', 'localhost:{socket}');
define('DB_CHARSET', 'utf8mb4'); define('DB_COLLATE', '');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('WP_HOME', '{url}'); define('WP_SITEURL', '{url}');
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_DEBUG', true); define('WP_DEBUG_LOG', '{folder}/debug.log'); define('WP_DEBUG_DISPLAY', false);
define('AUTOMATIC_UPDATER_DISABLED', true); define('DISABLE_WP_CRON', true);
foreach (['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT',
          'LOGGED_IN_SALT', 'NONCE_SALT'] as $key) define($key, 'soku-local-{salt}');
$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
"""


def start(port: int = 0, *, host: str = "127.0.0.1", timeout: float = 60.0, meta_plugin: bool = True) -> LocalWordPress:
    """A fresh site on `port` (0: a free one) with USERS and their application passwords.
    `meta_plugin`: load soku-meta.php (the post meta Soku writes, readable over REST); without
    it the site is what a user's own site is by default. Raises WordPressUnavailable when the
    packages are missing (call install() first), WordPressError when a server does not start."""
    lacks = missing()
    if lacks:
        raise WordPressUnavailable(f"no local WordPress: missing {', '.join(lacks)} (make wordpress installs "
                                   f"them as root)")
    begun = time.monotonic()
    port = port or _free_port()
    url = f"http://{host}:{port}"
    folder = Path(tempfile.mkdtemp(prefix="soku-wordpress-"))
    site = LocalWordPress(url=url, users={}, folder=folder)
    _RUNNING.add(site)
    sock, user = folder / "mysqld.sock", _user()
    # 1. the database: a private data dir, served on a socket only (no TCP, no systemd).
    proc = subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={folder}/db", f"--user={user}",
                           "--auth-root-authentication-method=socket", "--skip-test-db"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        site.stop()
        raise WordPressError(f"mariadb-install-db failed:\n{(proc.stderr + proc.stdout)[-3000:]}")
    with open(folder / "mariadbd.out", "ab") as out:
        site.processes.append(subprocess.Popen(
            ["mariadbd", "--no-defaults", f"--user={user}", f"--datadir={folder}/db", f"--socket={sock}",
             f"--pid-file={folder}/mysqld.pid", "--skip-networking", "--innodb-buffer-pool-size=32M",
             f"--log-error={folder}/mariadb.err"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True))

    def sql(statement: str) -> bool:
        return subprocess.run(["mariadb", "--no-defaults", "-S", str(sock), "-uroot", "-e", statement],
                              capture_output=True).returncode == 0

    _wait(lambda: sql("SELECT 1"), timeout, "MariaDB", site)
    if not sql("CREATE DATABASE wordpress; CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp'; "
               "GRANT ALL ON wordpress.* TO 'wp'@'localhost';"):
        site.stop()
        raise WordPressError("could not create the WordPress database")
    # 2. a private copy of Debian's WordPress (56 MB, ~0.2 s), with our wp-config.php and mu-plugin.
    wp = folder / "wp"
    shutil.copytree(WORDPRESS, wp, symlinks=True)
    for name in ("wp-config.php", ".htaccess"):
        (wp / name).unlink(missing_ok=True)
    (wp / "wp-content" / "uploads").mkdir(parents=True, exist_ok=True)
    (wp / "wp-content" / "mu-plugins").mkdir(parents=True, exist_ok=True)
    if meta_plugin:
        shutil.copy(HERE / META_PLUGIN, wp / "wp-content" / "mu-plugins" / META_PLUGIN)
    (wp / "wp-config.php").write_text(_WP_CONFIG.format(socket=sock, url=url, folder=folder, salt=os.urandom(8).hex()))
    # 3. install WordPress, the users and their application passwords.
    with open(folder / "seed.err", "wb") as err:
        proc = subprocess.run(["php", str(HERE / "seed.php"), str(wp), url, json.dumps(list(USERS))],
                              stdout=subprocess.PIPE, stderr=err, timeout=timeout)
    try:
        made = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        site_log = site.log_tail()
        site.stop()
        raise WordPressError(f"seed.php printed no users ({proc.returncode}): {proc.stdout[-500:]!r}\n{site_log}") from None
    site.users = {login: SiteUser(login, int(u["id"]), u["password"]) for login, u in made.items()}
    # 4. serve it; two workers, so a request may call the site back (media sideloads, oEmbed).
    with open(folder / "php.log", "ab") as log:
        site.processes.append(subprocess.Popen(
            ["php", "-S", f"{host}:{port}", "-t", str(wp), str(HERE / "router.php")],
            env=os.environ | {"PHP_CLI_SERVER_WORKERS": "2"}, cwd=wp,
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True))

    def answers() -> bool:
        try:
            return httpx.get(f"{url}/wp-json/", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    _wait(answers, timeout, "php -S", site)
    site.startup_s = time.monotonic() - begun
    return site


def _user() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name
