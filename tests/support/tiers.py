"""Which tests the quick loop (``make test-fast``) leaves to ``make test``."""

#: Tests that start other processes (the CLI, gunicorn, a killed writer) or a live server in a
#: thread, or sweep a large input (the public XSS list, the ledger's property test): marked
#: ``slow``, so ``make test-fast`` leaves them to ``make test``. A node id, or its prefix.
SLOW = (
    "tests/test_cli.py::test_init_twice_keeps_data",
    "tests/test_cli.py::test_relative_instance_path_is_taken_from_the_current_folder",
    "tests/test_cli.py::test_unreachable_database_gets_a_french_message",
    "tests/test_cli.py::test_help_lists_every_command_with_one_line",
    "tests/website/test_build_cache.py::test_cli_build_in_the_site_only_app_matches_the_golden",
    "tests/website/test_build_cache.py::test_site_only_app_imports_neither_staff_nor_money",
    "tests/test_serve.py::",
    "tests/test_live_attacks.py::",
    "tests/test_security.py::test_the_wsgi_entry_point_refuses_a_weak_key",
    "tests/test_security.py::test_instance_folder_and_database_are_the_owners_alone",
    "tests/test_faults.py::test_a_page_save_killed_midway_leaves_the_old_or_the_new_file",
    "tests/donations/test_demo_mode.py::test_estrade_init_turns_it_on_for_a_new_local_install",
    "tests/donations/test_no_oracle_live.py::",
    "tests/donations/test_mail.py::test_stripe_gets_its_answer_before_a_silent_smtp_server",
    "tests/donations/test_webhook_exactly_once.py::",
    "tests/accounts/test_password_reset.py::test_on_a_live_server_the_mail_leaves_after",
    "tests/privacy/test_unsubscribe_live.py::",
    "tests/website/test_hostile_theme.py::test_a_hostile_theme_reveals_nothing_live",
    "tests/website/test_watch.py::",
    "tests/website/test_check_site.py::",
    "tests/core/publishing/test_sanitize.py::test_xss_payload_list_line_by_line",
    "tests/core/publishing/test_sanitize.py::test_xss_payloads_in_markdown_contexts_and_blocks",
    "tests/ledger/test_properties.py::test_ledger_invariants",
    # sweeps over every staff route (the declarations themselves stay in the quick loop)
    "tests/accounts/test_admin_access.py::test_anonymous_is_sent_to_login",
    "tests/accounts/test_admin_access.py::test_post_without_csrf_token_is_refused",
    "tests/test_site_isolation.py::test_a_member_of_one_site_gets_nothing_of_another",
    # whole builds compared across runs of the Markdown cache
    "tests/website/test_build_cache.py::test_a_build_from_an_empty_folder_converts_nothing",
    "tests/website/test_build_cache.py::test_an_unreadable_store_is_converted_again",
    "tests/website/test_build_cache.py::test_theme_settings_are_part_of_the_body_key",
    "tests/website/test_build_incremental.py::",
    # age's scrypt passphrase (a second each way); the plain variant stays in the quick loop
    "tests/test_backup.py::test_backup_wipe_restore_gives_everything_back[sqlite-une phrase",
    "tests/test_backup.py::test_backup_wipe_restore_gives_everything_back[postgres-une phrase",
)
