//! Account lifecycle workflows (articles 5, 8, 9) as explicit state
//! machines: opening (and official-capacity personal accounts), changes,
//! closure and merging, each ending in a filing (备案) that the supervising
//! departments accept or send back.
//!
//! - `model`: kinds, states, actions and the one transition table;
//! - `record`: the workflow record, its filing targets and steps;
//! - `routing`: where a filing goes and who receives it;
//! - `decide`: one pure decision per action, returning effects;
//! - `next`: who acts next, in words;
//! - `attachment`: the files a resubmitted filing may carry.

mod attachment;
mod decide;
mod model;
mod next;
mod record;
mod routing;

pub use attachment::*;
pub use decide::*;
pub use model::*;
pub use next::*;
pub use record::*;
pub use routing::*;
