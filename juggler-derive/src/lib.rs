//! juggler derive
