<?php
// The test's WordPress config, in place of Debian's wp-config.php (which
// reads /etc/wordpress/config-<host>.php): everything stays in the test's
// temp dir. The database is the test's MariaDB on the socket next to this
// tree; the address comes from Apache (SetEnv) or, for the set-up script,
// the environment.
define('DB_NAME', 'wordpress');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'not-a-real-secret');
define('DB_HOST', 'localhost:' . dirname(__DIR__) . '/mysql.sock');
define('DB_CHARSET', 'utf8mb4');
define('WP_HOME', getenv('AUTHWALL_WP_HOME'));
define('WP_SITEURL', getenv('AUTHWALL_WP_HOME'));
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('WP_CONTENT_URL', getenv('AUTHWALL_WP_HOME') . '/wp-content');
// No calls out of the machine, no background jobs.
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
$table_prefix = 'wp_';
if (!defined('ABSPATH')) {
	define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
