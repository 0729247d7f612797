//! The committed typings are generated from the core (`mypos-typings`); this fails when they
//! drift. Regenerate them with `UPDATE_EXPECT=1 cargo test -p mypos-typings --test typings`.

use expect_test::expect_file;

#[test]
fn node_definitions() {
    expect_file!["../../bindings-node/index.d.ts"]
        .assert_eq(&mypos_typings::typescript_definitions());
}

#[test]
fn python_types() {
    expect_file!["../../bindings-python/python/mypos/types.py"]
        .assert_eq(&mypos_typings::python_types());
}

#[test]
fn python_client_stub() {
    expect_file!["../../bindings-python/python/mypos/_client.pyi"]
        .assert_eq(&mypos_typings::python_stub());
}

#[test]
fn python_mobilepay_stub() {
    expect_file!["../../bindings-python/python/mypos/mobilepay.pyi"]
        .assert_eq(&mypos_typings::python_module_stub("mobilepay"));
}

#[test]
fn python_psd2_stub() {
    expect_file!["../../bindings-python/python/mypos/psd2.pyi"]
        .assert_eq(&mypos_typings::python_module_stub("psd2"));
}

#[test]
fn python_sync_stub_matches_the_core() {
    expect_file!["../../bindings-python/python/mypos/sync.pyi"]
        .assert_eq(&mypos_typings::python_module_stub("sync"));
}

#[test]
fn python_errors_match_the_core_table() {
    expect_file!["../../bindings-python/python/mypos/errors.py"]
        .assert_eq(&mypos_typings::python_errors());
}

#[test]
fn node_errors_match_the_core_table() {
    expect_file!["../../bindings-node/errors.js"].assert_eq(&mypos_typings::node_errors());
}
