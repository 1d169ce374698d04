#!/usr/bin/env bash
# bench/wordpress.sh — a WordPress baseline for bench/run.py, on this machine, loopback only.
#
#   bench/wordpress.sh [PORT]     set up (or check) WordPress and serve it on 127.0.0.1:PORT
#                                 (default 8090); the LAST line of stdout is the article's URL:
#                                 bench/run.py --wordpress --wordpress-url "$(bench/wordpress.sh | tail -n1)"
#   bench/wordpress.sh stop       stop the nginx this script started
#
# Run as root on Debian 12. Idempotent: every step checks before it acts, so running it again
# only (re)starts what is not running and finds the article it already created. Progress goes
# to stderr; on any failure it exits non-zero with a message saying what failed.
#
# What it sets up, all from Debian's packages, the way the README of Debian's wordpress package
# describes (/usr/share/doc/wordpress/README.Debian):
#   - MariaDB (Debian's default: 127.0.0.1 and its unix socket), started with `service` or
#     mysqld_safe because containers have no systemd; a database and user "gazette_wp".
#   - PHP-FPM with Debian's default "www" pool (unix socket /run/php/phpX.Y-fpm.sock, 5 children
#     at most, opcache on): an untuned, default WordPress.
#   - /etc/wordpress/config-127.0.0.1.php: Debian's /usr/share/wordpress/wp-config.php loads
#     config-<host>.php for the request's Host (port stripped), so the site is http://127.0.0.1:PORT.
#     The admin password chosen at install time is kept in /etc/wordpress/gazette-bench-admin.txt.
#   - nginx with its OWN configuration, pid, logs and temp files in /tmp/gazette-wp/ (the system's
#     nginx configuration is neither used nor touched), in the foreground (daemon off) but in the
#     background of this script, in its own session so that it outlives it.
#   - WordPress installed through its own installer (install.php?step=2), with the default theme
#     (twentytwentythree: without a theme WordPress renders no page at all) and no plugin.
#   - One published post, a ~600-word news article in block markup with two quotes, in the
#     default category, with one approved comment, written straight into the database (there is
#     no wp-cli in Debian).
#
# No page cache: no plugin is active (active_plugins is reset to none), WP_CACHE is off, there is
# no advanced-cache.php / object-cache.php drop-in (the script refuses to go on if there is one),
# and nginx has no fastcgi_cache: every request runs PHP and queries MariaDB.
#
# Nothing leaves the machine: WP_HTTP_BLOCK_EXTERNAL stops WordPress's own HTTP calls to anything
# but this site (update checks, translations, feeds), and DISABLE_WP_CRON stops page views from
# starting wp-cron (whose jobs are those update checks; it would also add requests to the load).
#
# `stop` stops only nginx. MariaDB and PHP-FPM are system services that other things on the
# machine may use, so they are left running (stop them with `service mariadb stop` and
# `service phpX.Y-fpm stop` if you want).
set -Eeuo pipefail                        # -E: the ERR trap below also fires inside functions

STATE=/tmp/gazette-wp                    # nginx's config, pid, logs and temp files
CONF="$STATE/nginx.conf"
PIDFILE="$STATE/nginx.pid"
HOST=127.0.0.1                           # loopback only, and the host name WordPress's config is chosen by
WP_CONFIG="/etc/wordpress/config-$HOST.php"
ADMIN_FILE=/etc/wordpress/gazette-bench-admin.txt
MARKER="Written by Gazette's bench/wordpress.sh"
DB=gazette_wp                            # database and user (not Debian's default "wordpress", to leave that alone)
POST_SLUG=gazette-bench-article          # how the script finds its article again
TITLE="Harbour bridge reopens to traffic after six months of repairs as the city counts the cost"

log() { echo "wordpress.sh: $*" >&2; }
die() { echo "wordpress.sh: ERROR: $*" >&2; exit 1; }
trap 'die "failed at line $LINENO: $BASH_COMMAND"' ERR

# --- stop ------------------------------------------------------------------------------------

# The pid in our pid file, if that process is alive and is an nginx running OUR configuration
# (a stale pid file must never make us signal some unrelated process).
our_nginx_pid() {
    [[ -s $PIDFILE ]] || return 1
    local pid
    pid=$(<"$PIDFILE")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "nginx.*-c $CONF" || return 1
    echo "$pid"
}

stop_nginx() {
    local pid
    if ! pid=$(our_nginx_pid); then
        log "nginx: not running (no live pid in $PIDFILE)"
        return 0
    fi
    log "nginx: stopping pid $pid"
    kill -QUIT "$pid"                    # graceful: finish the requests in flight
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || { log "nginx: stopped"; return 0; }
        sleep 0.1
    done
    kill -TERM "$pid" 2>/dev/null || true
    sleep 0.5
    ! kill -0 "$pid" 2>/dev/null || die "nginx pid $pid did not stop"
    log "nginx: stopped"
}

[[ $(id -u) == 0 ]] || die "run as root (it installs packages and starts services)"

if [[ ${1:-} == stop ]]; then
    stop_nginx
    exit 0
fi

PORT=${1:-8090}
if [[ ! $PORT =~ ^[0-9]{1,5}$ ]] || ((PORT < 1 || PORT > 65535)); then
    die "usage: $0 [PORT] | $0 stop (got '$PORT')"
fi
SITE="http://$HOST:$PORT"

# --- 1. packages -------------------------------------------------------------------------------

# wordpress-theme-twentytwentythree is only a Recommends of wordpress, but it is WordPress 6.1's
# default theme and without any theme the front end is blank; curl is what this script talks HTTP with.
PACKAGES=(wordpress wordpress-theme-twentytwentythree mariadb-server php-fpm php-mysql nginx curl)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # No Recommends: they would pull translations for every language and more that nothing here uses.
    if ! apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
        log "apt-get install failed; running apt-get update and trying again"
        apt-get update >&2 || die "apt-get update failed"
        apt-get install -y --no-install-recommends "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
    fi
fi
[[ -f /usr/share/wordpress/wp-config.php ]] || die "Debian's wordpress package has no /usr/share/wordpress/wp-config.php"

# --- 2. MariaDB and PHP-FPM --------------------------------------------------------------------

# As root through the unix socket (Debian's root@localhost authenticates with unix_socket).
sql() { mysql --protocol=socket --default-character-set=utf8mb4 -uroot "$@"; }

if ! mysqladmin --protocol=socket -uroot ping >/dev/null 2>&1; then
    log "MariaDB: starting"
    # The init script works without systemd; mysqld_safe is the fallback if it does not.
    if ! service mariadb start >&2; then
        log "MariaDB: 'service mariadb start' failed; trying mysqld_safe"
        install -d -o mysql -g mysql /run/mysqld
        setsid mysqld_safe </dev/null >>/var/log/gazette-wp-mysqld_safe.log 2>&1 &
    fi
    for _ in $(seq 60); do
        mysqladmin --protocol=socket -uroot ping >/dev/null 2>&1 && break
        sleep 0.5
    done
fi
mysqladmin --protocol=socket -uroot ping >/dev/null 2>&1 \
    || die "MariaDB does not answer 'mysqladmin ping' (as root on its socket); see /var/log/mysql/ or journal"
# Loopback only: refuse a server that listens on other addresses.
read -r bind skipnet < <(sql -N -e 'SELECT IFNULL(@@bind_address, "*"), @@skip_networking')
if [[ $skipnet != 1 && ! $bind =~ ^(127\.[0-9.]+|::1|localhost)$ ]]; then
    die "MariaDB listens on '$bind', not loopback: set bind-address = 127.0.0.1 in /etc/mysql/mariadb.conf.d/50-server.cnf"
fi
log "MariaDB: up (bind-address $bind, skip_networking $skipnet)"

# PHP's version decides the names: php8.2-fpm, /etc/php/8.2/fpm, /run/php/php8.2-fpm.sock.
PHPV=$(php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;' 2>/dev/null) || true
if [[ -z $PHPV || ! -x /usr/sbin/php-fpm$PHPV ]]; then   # no php CLI: the newest php-fpmX.Y
    PHPV=
    for f in /usr/sbin/php-fpm[0-9]*; do
        v=${f#/usr/sbin/php-fpm}
        if [[ -x $f && ( -z $PHPV || $(printf '%s\n' "$PHPV" "$v" | sort -V | tail -n1) == "$v" ) ]]; then PHPV=$v; fi
    done
fi
[[ -n $PHPV && -x /usr/sbin/php-fpm$PHPV ]] || die "no /usr/sbin/php-fpmX.Y found (is php-fpm installed?)"
POOL=/etc/php/$PHPV/fpm/pool.d/www.conf
FPM_LISTEN=$(sed -n 's/^[[:space:]]*listen[[:space:]]*=[[:space:]]*//p' "$POOL" | tail -n1)
case $FPM_LISTEN in
    /*) FASTCGI_PASS="unix:$FPM_LISTEN" ;;
    127.*:[0-9]* | localhost:[0-9]*) FASTCGI_PASS=$FPM_LISTEN ;;
    *) die "PHP-FPM's pool ($POOL) listens on '$FPM_LISTEN', not a unix socket or loopback" ;;
esac
fpm_up() {
    local pid
    pid=$(cat "/run/php/php$PHPV-fpm.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null \
        && { [[ $FPM_LISTEN != /* ]] || [[ -S $FPM_LISTEN ]]; }
}
if ! fpm_up; then
    log "PHP-FPM $PHPV: starting"
    if ! service "php$PHPV-fpm" start >&2; then
        log "PHP-FPM: 'service php$PHPV-fpm start' failed; running php-fpm$PHPV directly"
        install -d /run/php
        "/usr/sbin/php-fpm$PHPV" --daemonize --fpm-config "/etc/php/$PHPV/fpm/php-fpm.conf" >&2
    fi
    for _ in $(seq 40); do fpm_up && break; sleep 0.25; done
fi
fpm_up || die "PHP-FPM $PHPV is not running or has no socket $FPM_LISTEN (see /var/log/php$PHPV-fpm.log)"
log "PHP-FPM $PHPV: up on $FASTCGI_PASS"

# --- 3. database, user and WordPress's configuration -------------------------------------------

# First the port, before anything is written for it: a previous run's nginx is stopped (it is
# started again below with this run's config); anything else on the port would answer instead.
stop_nginx
if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then
    die "something already listens on $HOST:$PORT; choose another port: $0 PORT"
fi


if [[ -f $WP_CONFIG ]] && ! grep -q "$MARKER" "$WP_CONFIG"; then
    die "$WP_CONFIG exists and was not written by this script: move it away, or set the bench up by hand"
fi
# Keep the database password across runs (it is in the config we wrote); a new one otherwise.
DB_PASSWORD=$(sed -n "s/^define( 'DB_PASSWORD', '\([A-Za-z0-9]*\)' );$/\1/p" "$WP_CONFIG" 2>/dev/null || true)
[[ -n $DB_PASSWORD ]] || DB_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc A-Za-z0-9)

sql <<SQL
CREATE DATABASE IF NOT EXISTS $DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON $DB.* TO '$DB'@'localhost';
SQL

salt() { head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9; }
# Written every run, so that WP_HOME/WP_SITEURL follow PORT (they override the options in the
# database). Readable by www-data only: it holds the database password.
tmp=$(mktemp /etc/wordpress/.config-XXXXXX)
cat >"$tmp" <<PHP
<?php
// $MARKER, for http://$HOST:$PORT; rewritten on each run.
// Loaded by Debian's /usr/share/wordpress/wp-config.php for Host "$HOST" (README.Debian).
define( 'DB_NAME', '$DB' );
define( 'DB_USER', '$DB' );
define( 'DB_PASSWORD', '$DB_PASSWORD' );
define( 'DB_HOST', 'localhost' );          // the unix socket
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
\$table_prefix = 'wp_';

define( 'WP_HOME', '$SITE' );
define( 'WP_SITEURL', '$SITE' );
define( 'WP_CONTENT_DIR', '/var/lib/wordpress/wp-content' );

// The baseline is an uncached WordPress: no page cache drop-in is loaded.
define( 'WP_CACHE', false );
// Nothing leaves this machine: WordPress's HTTP API may only reach this site itself,
// and page views do not start wp-cron (update checks, and extra requests under load).
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_DEBUG', false );

define( 'AUTH_KEY',         '$(salt)' );
define( 'SECURE_AUTH_KEY',  '$(salt)' );
define( 'LOGGED_IN_KEY',    '$(salt)' );
define( 'NONCE_KEY',        '$(salt)' );
define( 'AUTH_SALT',        '$(salt)' );
define( 'SECURE_AUTH_SALT', '$(salt)' );
define( 'LOGGED_IN_SALT',   '$(salt)' );
define( 'NONCE_SALT',       '$(salt)' );
PHP
chown root:www-data "$tmp"
chmod 640 "$tmp"
mv "$tmp" "$WP_CONFIG"
log "config: $WP_CONFIG (database $DB)"

# --- 4. nginx, our own instance --------------------------------------------------------------------

mkdir -p "$STATE"
cat >"$CONF" <<NGINX
# $MARKER: WordPress on $HOST:$PORT. Not the system's nginx configuration.
daemon off;                # run in the foreground; the script puts it in the background
master_process on;
worker_processes auto;     # one per core, like bench/run.py's nginx
user www-data;             # to reach PHP-FPM's socket (owned by www-data, mode 0660)
pid $PIDFILE;
lock_file $STATE/nginx.lock;
error_log $STATE/error.log warn;

events {
    worker_connections 4096;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    server_tokens off;
    # Every request is logged (buffered), as bench/run.py's nginx targets do.
    access_log $STATE/access.log combined buffer=256k;
    client_body_temp_path $STATE/client_body;
    proxy_temp_path $STATE/proxy;
    fastcgi_temp_path $STATE/fastcgi;
    uwsgi_temp_path $STATE/uwsgi;
    scgi_temp_path $STATE/scgi;

    server {
        listen $HOST:$PORT;
        server_name $HOST;
        root /usr/share/wordpress;
        index index.php;

        # Debian keeps wp-content (themes, plugins, uploads) in /var/lib/wordpress (README.Debian).
        location /wp-content/ {
            alias /var/lib/wordpress/wp-content/;
        }
        location / {
            try_files \$uri \$uri/ /index.php?\$args;   # pretty permalinks go to index.php
        }
        # Every .php goes to PHP-FPM; there is deliberately no fastcgi_cache.
        location ~ \.php\$ {
            try_files \$uri =404;
            include /etc/nginx/fastcgi_params;
            # Debian's fastcgi_params (bookworm security update) sets HTTP_HOST to \$host, which
            # has no port: WordPress would then redirect every page to itself, with the port, for
            # ever. The port of the socket that took the request puts it back (the last wins).
            fastcgi_param HTTP_HOST \$host:\$server_port;
            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
            fastcgi_pass $FASTCGI_PASS;
        }
    }
}
NGINX
nginx -t -q -e "$STATE/error.log" -c "$CONF" >&2 || die "nginx rejects $CONF"
log "nginx: starting on $SITE (config $CONF, logs in $STATE)"
# Own session (setsid) so it survives this script; -e so that it never opens /var/log/nginx.
setsid nginx -e "$STATE/error.log" -c "$CONF" </dev/null >>"$STATE/nginx.out" 2>&1 &
for _ in $(seq 50); do
    our_nginx_pid >/dev/null && (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null && break
    sleep 0.1
done
our_nginx_pid >/dev/null || die "nginx did not start; see $STATE/error.log and $STATE/nginx.out"

# --- 5. install WordPress (its own installer), if not yet ------------------------------------------

installed() { [[ -n $(sql -N "$DB" -e "SELECT 1 FROM wp_options WHERE option_name = 'siteurl'" 2>/dev/null) ]]; }
if ! installed; then
    ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc A-Za-z0-9)
    log "WordPress: installing (admin user 'admin', password in $ADMIN_FILE)"
    (umask 077; printf 'user: admin\npassword: %s\nsite: %s/wp-login.php\n' "$ADMIN_PASSWORD" "$SITE" >"$ADMIN_FILE")
    reply=$(curl -sS --max-time 120 -w '\n%{http_code}' "$SITE/wp-admin/install.php?step=2" \
        --data-urlencode "weblog_title=Gazette benchmark (WordPress)" \
        --data-urlencode "user_name=admin" \
        --data-urlencode "admin_password=$ADMIN_PASSWORD" \
        --data-urlencode "admin_password2=$ADMIN_PASSWORD" \
        --data-urlencode "admin_email=admin@localhost.localdomain" \
        --data-urlencode "blog_public=0") || die "WordPress installer: no answer from $SITE"
    installed || die "WordPress installer did not install (HTTP ${reply##*$'\n'}); see $STATE/error.log: $(head -c 400 <<<"$reply")"
fi
log "WordPress: installed ($(sql -N "$DB" -e "SELECT option_value FROM wp_options WHERE option_name = 'db_version'") db version)"

# --- 6. the article and its comment ----------------------------------------------------------------

# A news article of about 600 words, in the block markup WordPress's editor writes: 8 paragraphs,
# two quotes. (The title has no quote marks or ampersands, which WordPress would rewrite, so it
# appears verbatim in the HTML.)
read -r -d '' BODY <<'HTML' || true
<!-- wp:paragraph -->
<p>The Harbour Bridge reopened to cars, buses and cyclists at six o'clock on Tuesday morning, six months after engineers closed it to repair corroded cables and a deck that had begun to crack under the weight of the morning rush. By seven, the queue on the northern approach stretched back past the old fish market, and commuters who had spent half a year on detours through the industrial estate were sounding their horns, some in irritation and many, it seemed, in relief.</p>
<!-- /wp:paragraph -->

<!-- wp:paragraph -->
<p>The work was meant to take four months and cost 38 million. It took six and cost 51 million, according to figures the council published on Monday night. The overrun, officials said, came from what the engineers found once the old asphalt was lifted: rust had eaten further into the steel beneath the eastern lanes than any inspection had shown, and two of the main cables needed new anchors rather than the patch repairs that had been planned.</p>
<!-- /wp:paragraph -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>We could have opened it in the spring and come back in five years to do it all again. We chose to do it once and do it properly, and I will defend that choice to anyone who sat in those queues.</p>
<!-- /wp:paragraph --><cite>Miriam Okafor, chair of the transport committee</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:paragraph -->
<p>Not everyone is convinced. Shopkeepers on Quay Street, which sits at the southern end of the bridge, say the closure cost them a season of trade. A survey by the local traders association found that footfall fell by almost a third between March and August, and that four businesses on the street have closed for good since the spring. The association wants the council to extend the rates relief it granted during the works until the end of the year.</p>
<!-- /wp:paragraph -->

<!-- wp:paragraph -->
<p>For the thousands who cross the river every day, the detours meant longer journeys and earlier alarms. Bus operators added extra services on the ring road, but passengers reported delays of up to forty minutes at peak times. Cycling groups, who had campaigned for a protected lane on the bridge for more than a decade, finally have one: the new deck carries a two-way cycle track on its western side, separated from traffic by a low concrete kerb.</p>
<!-- /wp:paragraph -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>The lane is the one good thing to come out of this. Six months ago I would not have let my children ride across that bridge. This morning we did it together, and nobody had to hold their breath.</p>
<!-- /wp:paragraph --><cite>Daniel Reyes, a parent who cycles to work</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:paragraph -->
<p>The bridge, which opened in 1962, carries around 40,000 vehicles a day. Engineers say the repairs should keep it in service for at least another thirty years, provided the council keeps up the regular painting and inspection that lapsed during a decade of budget cuts. A report to the council in 2019 warned that the structure needed urgent attention; the work was delayed twice, first for lack of money and then by the pandemic.</p>
<!-- /wp:paragraph -->

<!-- wp:paragraph -->
<p>Opposition councillors have called for an independent review of how the project was managed and why the early surveys missed the extent of the damage. The council leader said on Tuesday that she would welcome a review, but that the priority now was getting the city moving again. Speed limits on the bridge will stay at twenty miles an hour for the first fortnight while the new surface beds in, and a final round of finishing work, mostly painting and lighting, will be done at night through October.</p>
<!-- /wp:paragraph -->
HTML

POST_ID=$(sql -N "$DB" -e "SELECT ID FROM wp_posts WHERE post_name = '$POST_SLUG' AND post_type = 'post' ORDER BY ID LIMIT 1")
if [[ -z $POST_ID ]]; then
    log "article: creating"
    esc() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\\\'}"; }   # a MariaDB string literal's body
    POST_ID=$(sql -N "$DB" <<SQL
INSERT INTO wp_posts
  (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status,
   comment_status, ping_status, post_password, post_name, to_ping, pinged, post_modified,
   post_modified_gmt, post_content_filtered, post_parent, guid, menu_order, post_type,
   post_mime_type, comment_count)
VALUES
  (1, NOW(), UTC_TIMESTAMP(), '$(esc "$BODY")', '$(esc "$TITLE")', '', 'publish',
   'open', 'open', '', '$POST_SLUG', '', '', NOW(),
   UTC_TIMESTAMP(), '', 0, '', 0, 'post',
   '', 1);
SET @id = LAST_INSERT_ID();
-- The guid WordPress itself would have given it.
UPDATE wp_posts SET guid = CONCAT('$SITE/?p=', @id) WHERE ID = @id;
-- In the default category (term_taxonomy_id 1, "Uncategorized"), as every new post is.
INSERT INTO wp_term_relationships (object_id, term_taxonomy_id, term_order) VALUES (@id, 1, 0);
UPDATE wp_term_taxonomy SET count = (SELECT COUNT(*) FROM wp_term_relationships WHERE term_taxonomy_id = 1)
 WHERE term_taxonomy_id = 1;
INSERT INTO wp_comments
  (comment_post_ID, comment_author, comment_author_email, comment_author_url, comment_author_IP,
   comment_date, comment_date_gmt, comment_content, comment_karma, comment_approved, comment_agent,
   comment_type, comment_parent, user_id)
VALUES
  (@id, 'Harbour resident', 'resident@localhost.localdomain', '', '127.0.0.1',
   NOW(), UTC_TIMESTAMP(), 'Glad it is open again, but the council owes Quay Street more than an apology.', 0, '1', '',
   'comment', 0, 0);
SELECT @id;
SQL
    )
    [[ $POST_ID =~ ^[0-9]+$ ]] || die "could not create the article (got '$POST_ID')"
fi
log "article: post $POST_ID"

# --- 7. no page cache, and the URL -----------------------------------------------------------------

for dropin in advanced-cache.php object-cache.php; do
    [[ ! -e /var/lib/wordpress/wp-content/$dropin && ! -e /usr/share/wordpress/wp-content/$dropin ]] \
        || die "a cache drop-in wp-content/$dropin exists: the baseline must be uncached; remove it"
done
sql "$DB" -e "UPDATE wp_options SET option_value = 'a:0:{}' WHERE option_name = 'active_plugins'"

# WordPress redirects ?p=ID to the pretty permalink when the installer enabled those: the URL to
# load-test is where it ends up, so that every request of the benchmark is a 200 with the page.
URL=$(curl -sS -o /dev/null -L --max-redirs 3 --max-time 30 -w '%{url_effective}' "$SITE/?p=$POST_ID") \
    || die "no answer from $SITE/?p=$POST_ID"
page=$(mktemp)
status=$(curl -sS -o "$page" --max-time 30 -w '%{http_code}' "$URL") || { rm -f "$page"; die "no answer from $URL"; }
grep -qF "$TITLE" "$page" && found=1 || found=0
cache=$(curl -sS -o /dev/null -D - --max-time 30 "$URL" | grep -i '^x-cache\|^cf-cache\|^x-wp-super' || true)
bytes=$(wc -c <"$page")
rm -f "$page"
[[ $status == 200 ]] || die "$URL answered $status; see $STATE/error.log"
((found)) || die "$URL answered 200 but its HTML does not contain the article's title"
[[ -z $cache ]] || die "$URL carries cache headers ($cache): the baseline must be uncached"
log "ready: $URL answers 200 with the article ($bytes bytes, no page cache); stop nginx with: $0 stop"
echo "$URL"
