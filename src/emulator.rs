//! An in-memory LinkWAN emulator on the runtime's signature-verifying mock server.
//!
//! It checks every request the way the platform does (see
//! [`linkwan_runtime::test_util`]) and keeps join-permission authorisation orders with
//! their state machine:
//!
//! ```text
//!            Accept ──▶ Accepted
//! Pending ─┼ Reject ──▶ Rejected
//!            Cancel ──▶ Cancelled
//! ```
//!
//! | request | answer |
//! |---|---|
//! | `OrderId` missing or empty | `MissingOrderId` (400) |
//! | an order it does not hold | `NonExistent` (400) |
//! | an order that is not pending | `IllegalOrderStateTransition` (400) |
//! | `SubmitJoinPermissionAuthOrder` | a new pending order under an ID no other order has; its id as `Data`, a string as the platform sends Longs |
//!
//! It starts with one pending order, `123`. Use it in your own tests:
//!
//! ```
//! use linkwan::emulator::{Emulator, OrderState};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start().await?;
//! assert_eq!(emulator.order_state("123"), Some(OrderState::Pending));
//! // Its endpoint and credentials (`client_builder()` to add settings).
//! let client = emulator.client()?;
//! let resp = client
//!     .call(&linkwan::RejectJoinPermissionAuthOrder { order_id: "123".into() })
//!     .await?;
//! assert!(resp.success);
//! assert_eq!(emulator.order_state("123"), Some(OrderState::Rejected));
//! # Ok(())
//! # }
//! ```
//!
//! Seed orders with [`EmulatorBuilder::order`], inject faults through the underlying
//! mock server with [`EmulatorBuilder::configure`] (a handler registered there replaces
//! the emulator's own for that action; see [`MockResponse`] for stalls, resets, delays,
//! gateway pages), and look at what it received through [`Emulator::server`]. Dropping
//! the emulator stops it.
//!
//! ```
//! use linkwan::emulator::{Emulator, OrderState};
//! use linkwan::{AcceptJoinPermissionAuthOrder, Client, ErrorCode, RetryPolicy};
//! use linkwan_runtime::test_util::MockResponse;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::builder()
//!     .order("7", OrderState::Pending)
//!     .configure(|server| {
//!         server.handler("AcceptJoinPermissionAuthOrder", |_req| {
//!             MockResponse::error(400, "Throttling.User", "Request was denied due to user flow control.")
//!         })
//!     })
//!     .start()
//!     .await?;
//! let client = Client::builder()
//!     .endpoint(emulator.endpoint())
//!     .credentials(emulator.credentials())
//!     .retry_policy(RetryPolicy::disabled())
//!     .build()?;
//!
//! let err = client
//!     .call(&AcceptJoinPermissionAuthOrder { order_id: "7".into() })
//!     .await
//!     .unwrap_err();
//! assert_eq!(err.code(), Some(&ErrorCode::ThrottlingUser));
//! assert_eq!(emulator.order_state("7"), Some(OrderState::Pending));
//!
//! let received = emulator.server().requests();
//! assert_eq!(received.len(), 1);
//! assert_eq!(received[0].action(), "AcceptJoinPermissionAuthOrder");
//! assert_eq!(received[0].param("OrderId"), Some("7"));
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use linkwan_runtime::test_util::{MockRequest, MockResponse, MockServer, MockServerBuilder};
use linkwan_runtime::Credentials;
use serde_json::json;

/// The order the emulator starts with, pending.
pub const SEED_ORDER_ID: &str = "123";

/// The state of a join-permission authorisation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OrderState {
    /// Submitted, waiting for the developer's answer.
    Pending,
    /// Accepted by the developer.
    Accepted,
    /// Rejected by the developer.
    Rejected,
    /// Cancelled by the network operator.
    Cancelled,
}

#[derive(Default)]
struct Orders {
    states: Mutex<BTreeMap<String, OrderState>>,
    next_id: AtomicU64,
}

impl Orders {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, OrderState>> {
        self.states.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves a pending order to `to`, answering as the platform does.
    fn transition(&self, req: &MockRequest, to: OrderState) -> MockResponse {
        let Some(id) = req.param("OrderId").filter(|id| !id.is_empty()) else {
            return MockResponse::error(
                400,
                "MissingOrderId",
                "OrderId is mandatory for this action.",
            );
        };
        let mut orders = self.lock();
        match orders.get_mut(id) {
            None => {
                MockResponse::error(400, "NonExistent", "The specified resource does not exist.")
            }
            Some(state) if *state != OrderState::Pending => MockResponse::error(
                400,
                "IllegalOrderStateTransition",
                "The order status conversion is invalid.",
            ),
            Some(state) => {
                *state = to;
                MockResponse::ok(json!({ "Success": true }))
            }
        }
    }

    fn submit(&self, req: &MockRequest) -> MockResponse {
        for name in ["JoinPermissionId", "RenterAliyunId"] {
            if req.param(name).is_none_or(str::is_empty) {
                return MockResponse::error(
                    400,
                    &format!("Missing{name}"),
                    &format!("{name} is mandatory for this action."),
                );
            }
        }
        // A fresh ID, never one of the orders held already (seeded with `order` or added
        // with `insert_order`): those would be overwritten. Chosen under the lock, so a
        // concurrent `insert_order` cannot slip in between.
        let mut orders = self.lock();
        let id = loop {
            let id = self.next_id.fetch_add(1, Ordering::Relaxed).to_string();
            if !orders.contains_key(&id) {
                break id;
            }
        };
        orders.insert(id.clone(), OrderState::Pending);
        MockResponse::ok(json!({ "Success": true, "Data": id }))
    }
}

/// Configures an [`Emulator`].
#[must_use]
pub struct EmulatorBuilder {
    credentials: Credentials,
    orders: Vec<(String, OrderState)>,
    configure: Option<Box<dyn FnOnce(MockServerBuilder) -> MockServerBuilder + Send>>,
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("credentials", &self.credentials)
            .field("orders", &self.orders)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorBuilder {
    /// The same as [`Emulator::builder`]: throwaway credentials, pending order `123`.
    fn default() -> Self {
        Emulator::builder()
    }
}

impl EmulatorBuilder {
    /// The only key the emulator accepts (default: fresh random throwaway credentials).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Adds (or replaces) an order.
    pub fn order(mut self, id: impl Into<String>, state: OrderState) -> Self {
        self.orders.push((id.into(), state));
        self
    }

    /// Adjusts the underlying mock server (clock skew, extra handlers, …) before it starts.
    pub fn configure(
        mut self,
        f: impl FnOnce(MockServerBuilder) -> MockServerBuilder + Send + 'static,
    ) -> Self {
        self.configure = Some(Box::new(f));
        self
    }

    /// Binds `127.0.0.1` on a free port and serves on the current Tokio runtime.
    ///
    /// # Errors
    ///
    /// The I/O error of binding the port.
    ///
    /// # Panics
    ///
    /// When polled outside a Tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let orders = Arc::new(Orders {
            states: Mutex::new(self.orders.into_iter().collect()),
            next_id: AtomicU64::new(1000),
        });
        let handler = |orders: &Arc<Orders>, to: OrderState| {
            let orders = orders.clone();
            move |req: &MockRequest| orders.transition(req, to)
        };
        let submit = orders.clone();
        let mut builder = MockServer::builder()
            .credentials(self.credentials.clone())
            .handler(
                "RejectJoinPermissionAuthOrder",
                handler(&orders, OrderState::Rejected),
            )
            .handler(
                "AcceptJoinPermissionAuthOrder",
                handler(&orders, OrderState::Accepted),
            )
            .handler(
                "CancelJoinPermissionAuthOrder",
                handler(&orders, OrderState::Cancelled),
            )
            .handler("SubmitJoinPermissionAuthOrder", move |req| {
                submit.submit(req)
            });
        if let Some(configure) = self.configure {
            builder = configure(builder);
        }
        Ok(Emulator {
            server: builder.start().await?,
            credentials: self.credentials,
            orders,
        })
    }
}

/// A running LinkWAN emulator on loopback; stops when dropped.
pub struct Emulator {
    server: MockServer,
    credentials: Credentials,
    orders: Arc<Orders>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("endpoint", &self.server.endpoint())
            .field("orders", &*self.orders.lock())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// A builder with throwaway credentials and pending order `123`.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            credentials: Credentials::new(
                format!("LTAIemulator{:016x}", fastrand::u64(..)),
                format!("{:032x}", fastrand::u128(..)),
            ),
            orders: vec![(SEED_ORDER_ID.to_owned(), OrderState::Pending)],
            configure: None,
        }
    }

    /// Starts an emulator with throwaway credentials and pending order `123`.
    ///
    /// # Errors
    ///
    /// The I/O error of binding the port.
    ///
    /// # Panics
    ///
    /// When polled outside a Tokio runtime.
    pub async fn start() -> std::io::Result<Emulator> {
        Self::builder().start().await
    }

    /// The endpoint to give a client: `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        self.server.endpoint()
    }

    /// The credentials the emulator accepts.
    pub fn credentials(&self) -> Credentials {
        self.credentials.clone()
    }

    /// An order's state.
    pub fn order_state(&self, id: &str) -> Option<OrderState> {
        self.orders.lock().get(id).copied()
    }

    /// Adds (or replaces) an order.
    pub fn insert_order(&self, id: impl Into<String>, state: OrderState) {
        self.orders.lock().insert(id.into(), state);
    }

    /// The underlying mock server (recorded requests, connection count).
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// A [`ClientBuilder`](crate::ClientBuilder) for this emulator: its endpoint and
    /// credentials, and `RegionId` [`DEFAULT_REGION`](crate::DEFAULT_REGION) as
    /// [`client_builder`](crate::client_builder) sends. Add settings, then `build()`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use linkwan::emulator::Emulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emulator = Emulator::start().await?;
    /// let client = emulator.client_builder().timeout(Duration::from_secs(5)).build()?;
    /// assert_eq!(client.endpoint(), emulator.endpoint());
    /// let resp = client
    ///     .call(&linkwan::RejectJoinPermissionAuthOrder { order_id: "123".into() })
    ///     .await?;
    /// assert!(resp.success);
    /// # Ok(())
    /// # }
    /// ```
    pub fn client_builder(&self) -> crate::ClientBuilder {
        crate::client_builder(crate::DEFAULT_REGION)
            .endpoint(self.endpoint())
            .credentials(self.credentials())
    }

    /// A client for this emulator with default settings: [`client_builder`](Self::client_builder),
    /// built.
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::build`](crate::ClientBuilder::build) (which does not fail
    /// for the emulator's endpoint and credentials).
    pub fn client(&self) -> Result<crate::Client, crate::Error> {
        self.client_builder().build()
    }
}
