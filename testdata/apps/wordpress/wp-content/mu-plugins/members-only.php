<?php
// Must-use plugin: keep the members page for logged-in visitors. Written
// with is_page() and no argument, it is true for every page, so the public
// About page asks for a login too (auth_redirect() sends anonymous
// visitors to wp-login.php with X-Redirect-By: WordPress).
add_action('template_redirect', function () {
	if (is_page() && !is_user_logged_in()) {
		auth_redirect();
	}
});
