
# --- Added by real_apps_test.go: a private wiki with a few public pages.
# Files the wiki writes stay next to this LocalSettings.php; no jobs run on
# page views, no mail is sent.
$wgUploadDirectory = __DIR__ . '/images';
$wgCacheDirectory = __DIR__ . '/cache';
$wgJobRunRate = 0;
$wgEnableEmail = false;

# Only members read the wiki...
$wgGroupPermissions['*']['read'] = false;
$wgGroupPermissions['*']['createaccount'] = false;
# ...except the pages listed here. Titles must match exactly: "Getting
# Started" is not the page "Getting started", and FAQ was never added, so
# both public pages answer the "Login required" page with status 200.
$wgWhitelistRead = [ 'Main Page', 'Getting Started', 'Help:Contents' ];
