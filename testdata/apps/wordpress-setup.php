<?php
// Installs WordPress with its own code and writes the test blog:
// php wordpress-setup.php SITE_DIR (AUTHWALL_WP_HOME in the environment).
define('WP_INSTALLING', true);
// No notification mail: the test machine has no sendmail.
function wp_new_blog_notification() {}
require $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$install = wp_install('Example', 'admin', 'admin@example.org', true, '', 'not-a-real-secret');
$admin = $install['user_id'];
// Pretty permalinks (/launch-notes/, /feed/); the first request builds
// their rewrite rules, with every taxonomy registered under them.
update_option('permalink_structure', '/%postname%/');
delete_option('rewrite_rules');
// The defaults ("Hello world!", "Sample Page") would only add pages.
wp_delete_post(1, true);
wp_delete_post(2, true);

$news = wp_create_category('News');
$posts = [
	['Launch notes', 'We launched the new site today. ' . str_repeat('It has many pages about our products. ', 8), ''],
	['Spring sale', 'Prices are down for the spring. ' . str_repeat('Everything in the shop is cheaper. ', 8), ''],
	// Password protected while the minutes were drafted, and left so:
	// crawlers get the password form instead of the post.
	['Board minutes', 'The board met and decided things.', 'not-a-real-secret'],
];
foreach ($posts as $i => [$title, $content, $password]) {
	wp_insert_post(['post_title' => $title, 'post_content' => $content, 'post_status' => 'publish',
		'post_password' => $password, 'post_category' => [$news], 'post_author' => $admin,
		'post_date' => sprintf('2026-01-%02d 10:00:00', $i + 1)]);
}
$page = function ($title, $content, $parent = 0) use ($admin) {
	return wp_insert_post(['post_title' => $title, 'post_content' => $content, 'post_status' => 'publish',
		'post_type' => 'page', 'post_parent' => $parent, 'post_author' => $admin]);
};
$page('About', 'About us: we make things. ' . str_repeat('Our story is long. ', 10));
$page('Members', 'The member directory.');
$shop = $page('Shop', 'Our shop sells things. ' . str_repeat('Many fine things. ', 10));
$page('Orders', 'Your orders.', $shop);
echo "WordPress set up\n";
