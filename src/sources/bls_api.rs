//! stub
use super::http::Fetcher;
use super::*;
pub async fn pull(_f: &Fetcher, _ctx: &Context, _socs: &[String], _attempts: &mut u32) -> Result<Pulled, PullError> {
    Err(PullError::new("not implemented"))
}
pub fn parse_response(_b: &[u8], _ctx: &Context, _m: &HashMap<String, String>) -> Result<Pulled, PullError> {
    Err(PullError::new("not implemented"))
}
