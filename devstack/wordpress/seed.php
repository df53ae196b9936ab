<?php
// php seed.php <wordpress dir> <site url> <users JSON>: installs WordPress (no WP-CLI in Debian 12,
// so this is its few lines of wp_install) and makes each user of <users JSON>
// ([{"login", "role"}], the first one the administrator) with an application password, as a
// person makes one in Users > Profile. Prints one JSON object: {login: {"id", "password"}}.
$url = $argv[2];
$_SERVER['HTTP_HOST'] = parse_url($url, PHP_URL_HOST) . ':' . parse_url($url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
define('WP_INSTALLING', true);
require $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
add_filter('pre_wp_mail', '__return_false');  // no sendmail here: wp_install mails the admin
$users = json_decode($argv[3], true);
$admin = array_shift($users);
if (!is_blog_installed()) {
    wp_install('Soku Test Site', $admin['login'], $admin['login'] . '@example.test', true, '', wp_generate_password(24));
}
update_option('permalink_structure', '/%postname%/');  // what most sites use: links read /slug/
$made = [];
foreach (array_merge([$admin], $users) as $spec) {
    $user = get_user_by('login', $spec['login']);
    if (!$user) {
        $id = wp_insert_user(['user_login' => $spec['login'], 'user_pass' => wp_generate_password(24),
                              'user_email' => $spec['login'] . '@example.test', 'role' => $spec['role']]);
        $user = get_user_by('id', $id);
    }
    [$password] = WP_Application_Passwords::create_new_application_password($user->ID, ['name' => 'soku-tests']);
    $made[$spec['login']] = ['id' => $user->ID, 'password' => $password];
}
echo json_encode($made), "\n";
