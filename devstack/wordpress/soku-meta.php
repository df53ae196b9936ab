<?php
/*
 * Plugin Name: Soku post identity
 * Description: Lets Soku read back the post meta `soku_run` through the REST API, so that it can
 * find the post an interrupted publish made by its identity rather than by its title and text.
 *
 * An mu-plugin of the local WordPress (devstack/wordpress). WordPress keeps post meta sent to
 * /wp/v2/posts only for keys registered with show_in_rest; on a site without this plugin the
 * key is dropped silently (201, "meta": []) and Soku matches by title and content instead
 * (shared/platforms/wordpress/publisher.py). A site owner may install this file too.
 */
add_action('init', function () {
    register_post_meta('post', 'soku_run', [
        'show_in_rest' => true,
        'single' => true,
        'type' => 'string',
        'auth_callback' => function () { return current_user_can('edit_posts'); },
    ]);
});
