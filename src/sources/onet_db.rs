//! stub
use super::*;
pub fn parse(_f: &Fetched, _ctx: &Context) -> Result<Pulled, PullError> {
    Err(PullError::new("not implemented"))
}
