//! Integration tests of the webhook outbox.
