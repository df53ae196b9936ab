<?php
// The `php -S` router for the local WordPress (devstack/wordpress/server.py): real files are
// served as they are, everything else (/wp-json/..., pretty permalinks) goes to index.php, as
// Apache's rewrite rules would send it. Without a router `php -S` answers 404 to /wp-json/.
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$file = $_SERVER['DOCUMENT_ROOT'] . $path;
if ($path !== '/' && is_file($file)) {
    if (substr($file, -4) === '.php') {
        chdir(dirname($file));
        $_SERVER['SCRIPT_NAME'] = $path;
        $_SERVER['SCRIPT_FILENAME'] = $file;
        require $file;
        return;
    }
    return false;
}
if ($path !== '/' && is_dir($file) && is_file($file . '/index.php')) {
    chdir($file);
    require $file . '/index.php';
    return;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
