//! Paginated lists (`rest_json`): one page of an answer, with the
//! envelope's `result_info`, and every page of a list as one stream.
//!
//! A spec marks an endpoint `paginated: true`; its method then returns a
//! [`Page`], and a second method, `<action>_stream`, walks the pages from
//! the first through [`pages`].

use std::future::Future;
use std::time::Duration;

use futures_util::stream::{self, Stream, TryStreamExt};
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};

use crate::Error;
use crate::error::ListStop;
#[cfg(doc)]
use crate::session::Session;
use crate::wire::optional;

/// One page of a list, as a paginated operation answers it.
///
/// Serialized as `{"items": […], "info": {…}}`; it reads back from that
/// shape as well as from the envelope.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(bound(deserialize = "T: DeserializeOwned", serialize = "T: serde::Serialize"))]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items (`result`; `null` reads as none).
    #[serde(rename(deserialize = "result", serialize = "items"), alias = "items")]
    #[serde(default = "Vec::new", deserialize_with = "items")]
    pub items: Vec<T>,
    /// Where the page sits in the whole list (`result_info`), when the
    /// service said.
    #[serde(rename(deserialize = "result_info", serialize = "info"), alias = "info", default)]
    pub info: Option<ResultInfo>,
}

/// The `result_info` of a paginated answer. Every member is optional, as
/// Cloudflare's description has it; each is read from a number (`20`, or
/// `20.0`: the description types them `number`) or a string of digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[non_exhaustive]
pub struct ResultInfo {
    /// This page's number, from 1.
    #[serde(default, deserialize_with = "optional")]
    pub page: Option<u64>,
    /// How many items a page holds.
    #[serde(default, deserialize_with = "optional")]
    pub per_page: Option<u64>,
    /// How many items this page holds.
    #[serde(default, deserialize_with = "optional")]
    pub count: Option<u64>,
    /// How many items the whole list holds.
    #[serde(default, deserialize_with = "optional")]
    pub total_count: Option<u64>,
}

impl<T> Page<T> {
    /// Whether a page follows this one, which was asked for as page
    /// `number` with `per_page` items (`None`: the service's default).
    ///
    /// Not after an empty page. Otherwise, when the answer gives the list's
    /// size and the page size, while the pages so far hold fewer items than
    /// the list; when it gives only the page size, while pages are full;
    /// when it gives neither, never (a list without `result_info` is one
    /// page).
    pub fn has_next(&self, number: u64, per_page: Option<u64>) -> bool {
        if self.items.is_empty() {
            return false;
        }
        let info = self.info.unwrap_or_default();
        match (info.total_count, info.per_page.or(per_page)) {
            (Some(total), Some(size)) => number.saturating_mul(size) < total,
            (None, Some(size)) => self.items.len() as u64 >= size,
            (_, None) => false,
        }
    }
}

/// `result` of a list: an array, or `null` for none.
fn items<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// What bounds walking a list: a service that never says the list is over
/// cannot make a client collect, or ask, without end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListLimits {
    /// The most items yielded ([`ApiBuilder::max_list_items`](crate::ApiBuilder::max_list_items)).
    pub items: usize,
    /// The most pages asked for ([`ApiBuilder::max_list_pages`](crate::ApiBuilder::max_list_pages)).
    pub pages: u64,
    /// The longest the walk may take, from asking for its first page
    /// ([`ApiBuilder::max_list_time`](crate::ApiBuilder::max_list_time)).
    pub time: Duration,
}

impl ListLimits {
    /// Limits of `items` items, `pages` pages and `time`.
    pub fn new(items: usize, pages: u64, time: Duration) -> ListLimits {
        ListLimits { items, pages, time }
    }
}

/// Every item of a paginated list, page after page from page 1: `fetch`
/// gets each page by its number, asking for `per_page` items. The stream
/// ends after the last page ([`Page::has_next`]) or with the first error;
/// a page is asked for only once the items before it have been taken.
///
/// The walk is bounded by `limits` (the client's, from
/// [`Session::list_limits`]). A list that goes on past `limits.items` ends
/// with [`Error::ListTooLong`] for `action` instead of its next item; one
/// that goes on past `limits.pages` pages, or past `limits.time`, or whose
/// page holds the very items of the page before it (a service that ignores
/// `page`), ends with [`Error::ListStopped`]. No further page is asked for
/// then.
pub fn pages<'a, T, F, Fut>(
    limits: ListLimits,
    action: &'static str,
    per_page: Option<u64>,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: PartialEq + Clone + 'a,
    F: FnMut(u64) -> Fut + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + 'a,
{
    let stopped = move |reason| Err(Error::ListStopped { action, reason });
    let walk = Walk { next: Some(1), taken: 0, fetch, previous: Vec::new(), deadline: None };
    stream::try_unfold(walk, move |mut walk| async move {
        let Some(number) = walk.next else { return Ok(None) };
        if number > limits.pages {
            return Ok(Some((stream::iter(vec![stopped(ListStop::Pages { limit: limits.pages })]), walk.stop())));
        }
        let deadline = *walk.deadline.get_or_insert_with(|| tokio::time::Instant::now() + limits.time);
        let mut page = match tokio::time::timeout_at(deadline, (walk.fetch)(number)).await {
            Ok(page) => page?,
            Err(_) => {
                return Ok(Some((stream::iter(vec![stopped(ListStop::Time { limit: limits.time })]), walk.stop())));
            }
        };
        if number > 1 && !page.items.is_empty() && page.items == walk.previous {
            return Ok(Some((stream::iter(vec![stopped(ListStop::RepeatedPage { page: number })]), walk.stop())));
        }
        walk.next = page.has_next(number, per_page).then_some(number + 1);
        let room = limits.items - walk.taken;
        let over = page.items.len() > room;
        if over {
            page.items.truncate(room);
            walk.next = None;
        }
        walk.taken += page.items.len();
        if walk.next.is_some() {
            walk.previous.clone_from(&page.items);
        }
        let too_long = over.then_some(Err(Error::ListTooLong { action, limit: limits.items }));
        let items: Vec<Result<T, Error>> = page.items.into_iter().map(Ok).chain(too_long).collect();
        Ok(Some((stream::iter(items), walk)))
    })
    .try_flatten()
}

/// Where a walk through a list stands.
struct Walk<T, F> {
    /// The page to ask for next, if any.
    next: Option<u64>,
    /// Items yielded so far.
    taken: usize,
    fetch: F,
    /// The items of the page before, to tell a page that repeats it.
    previous: Vec<T>,
    /// When the walk must be over, set as the first page is asked for.
    deadline: Option<tokio::time::Instant>,
}

impl<T, F> Walk<T, F> {
    /// The walk, with no page left to ask for.
    fn stop(mut self) -> Self {
        self.next = None;
        self.previous = Vec::new();
        self
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures_util::StreamExt;

    use super::*;

    /// Limits of `n` items, and pages and time to spare.
    fn limit(n: usize) -> ListLimits {
        ListLimits::new(n, DEFAULT_PAGES, Duration::from_secs(60))
    }

    const DEFAULT_PAGES: u64 = crate::DEFAULT_MAX_LIST_PAGES;

    fn page(items: &[u32], info: Option<ResultInfo>) -> Page<u32> {
        Page { items: items.to_vec(), info }
    }

    fn info(page: u64, per_page: Option<u64>, total_count: Option<u64>) -> Option<ResultInfo> {
        Some(ResultInfo { page: Some(page), per_page, count: None, total_count })
    }

    #[test]
    fn a_page_reads_result_and_result_info_from_the_envelope() {
        let body = r#"{"success": true, "errors": [], "result": [1, 2],
            "result_info": {"page": 2, "per_page": 20.0, "count": "2", "total_count": 22}}"#;
        let read: Page<u32> = serde_json::from_str(body).unwrap();
        assert_eq!(read.items, [1, 2]);
        assert_eq!(
            read.info,
            Some(ResultInfo { page: Some(2), per_page: Some(20), count: Some(2), total_count: Some(22) })
        );
        let read: Page<u32> = serde_json::from_str(r#"{"success": true, "result": null}"#).unwrap();
        assert_eq!((read.items.len(), read.info), (0, None));
        let err = serde_json::from_str::<Page<u32>>(r#"{"result": [1], "result_info": {"page": -1}}"#).unwrap_err();
        assert!(err.to_string().contains("expected a non-negative integer"), "{err}");
    }

    #[test]
    fn the_last_page_is_told_by_the_total_or_by_a_short_page() {
        assert!(page(&[1, 2], info(1, Some(2), Some(5))).has_next(1, None));
        assert!(page(&[1, 2], info(2, Some(2), Some(5))).has_next(2, None));
        assert!(!page(&[1], info(3, Some(2), Some(5))).has_next(3, None));
        assert!(!page(&[1, 2], info(2, Some(2), Some(4))).has_next(2, None));
        // Without the total: while pages are full, with the size from the
        // answer or else the one asked for.
        assert!(page(&[1, 2], info(1, Some(2), None)).has_next(1, None));
        assert!(!page(&[1], info(1, Some(2), None)).has_next(1, None));
        assert!(page(&[1, 2], None).has_next(1, Some(2)));
        assert!(!page(&[1, 2], None).has_next(1, None));
        // An empty page ends the list, whatever the total says.
        assert!(!page(&[], info(1, Some(2), Some(5))).has_next(1, None));
    }

    #[tokio::test]
    async fn the_stream_walks_every_page_once_in_order() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let list: Vec<u32> = (1..=7).collect();
        let seen = asked.clone();
        let stream = pages(limit(7), "list", Some(3), move |number| {
            seen.lock().unwrap().push(number);
            let start = ((number - 1) * 3) as usize;
            let items = list[start.min(7)..(start + 3).min(7)].to_vec();
            async move { Ok(Page { items, info: info(number, Some(3), Some(7)) }) }
        });
        let items: Vec<u32> = stream.map(Result::unwrap).collect().await;
        assert_eq!(items, (1..=7).collect::<Vec<_>>());
        assert_eq!(*asked.lock().unwrap(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn the_stream_stops_at_the_first_error() {
        let stream = pages(limit(100), "list", None, |number| async move {
            match number {
                1 => Ok(Page { items: vec![1, 2], info: info(1, Some(2), Some(6)) }),
                _ => Err(Error::InvalidInput { action: Some("list"), param: "page", reason: "no".into() }),
            }
        });
        let got: Vec<Result<u32, Error>> = stream.collect().await;
        assert_eq!(got.len(), 3);
        assert!(matches!(got[..2], [Ok(1), Ok(2)]));
        assert!(matches!(&got[2], Err(Error::InvalidInput { param: "page", .. })), "{got:?}");
    }

    #[tokio::test]
    async fn a_list_that_never_ends_stops_at_the_limit_with_an_error() {
        // Every page full, and always one more: a service that never says
        // the list is over.
        let asked = Arc::new(Mutex::new(Vec::new()));
        let seen = asked.clone();
        let stream = pages(limit(10), "list_widgets", None, move |number| {
            seen.lock().unwrap().push(number);
            let first = (number as u32 - 1) * 4;
            async move { Ok(Page { items: (first..first + 4).collect(), info: info(number, Some(4), None) }) }
        });
        let got: Vec<Result<u32, Error>> = stream.collect().await;
        assert_eq!(got.len(), 11, "{got:?}");
        let items: Vec<u32> = got[..10].iter().map(|r| *r.as_ref().unwrap()).collect();
        assert_eq!(items, (0..10).collect::<Vec<_>>());
        let err = got[10].as_ref().unwrap_err();
        assert!(matches!(err, Error::ListTooLong { action: "list_widgets", limit: 10 }), "{err:?}");
        assert_eq!(err.to_string(), "list_widgets: the list holds more than the limit of 10 items");
        assert_eq!(*asked.lock().unwrap(), [1, 2, 3], "no page is asked for past the limit");

        // A list of exactly the limit is whole: the page after it is empty.
        let stream = pages(limit(8), "list", None, |number| async move {
            let items = if number <= 2 { vec![number as u32; 4] } else { Vec::new() };
            Ok(Page { items, info: info(number, Some(4), None) })
        });
        let got: Vec<Result<u32, Error>> = stream.collect().await;
        assert_eq!(got.len(), 8);
        assert!(got.iter().all(Result::is_ok), "{got:?}");
    }

    #[tokio::test]
    async fn a_walk_stops_past_its_pages_at_a_repeated_page_and_past_its_time() {
        // One item a page, every page a new one, never an end: stopped
        // after the limit of pages, no page past it asked for.
        let asked = Arc::new(Mutex::new(0u64));
        let seen = asked.clone();
        let limits = ListLimits::new(1_000_000, 5, Duration::from_secs(60));
        let stream = pages(limits, "list", Some(1), move |number| {
            *seen.lock().unwrap() = number;
            async move { Ok(Page { items: vec![number as u32], info: info(number, Some(1), None) }) }
        });
        let got: Vec<Result<u32, Error>> = stream.collect().await;
        assert_eq!(got.len(), 6);
        let err = got[5].as_ref().unwrap_err();
        assert!(matches!(err, Error::ListStopped { action: "list", reason: ListStop::Pages { limit: 5 } }), "{err:?}");
        assert_eq!(err.to_string(), "list: the list goes on past the limit of 5 pages");
        assert!(!err.is_retryable() && !err.may_have_been_applied());
        assert_eq!(*asked.lock().unwrap(), 5);

        // A service that ignores `page`: page 2 is page 1 again.
        let stream = pages(limit(1_000), "list", Some(2), |number| async move {
            Ok(Page { items: vec![1, 2], info: info(number, Some(2), Some(100)) })
        });
        let got: Vec<Result<u32, Error>> = stream.collect().await;
        assert!(matches!(got[..2], [Ok(1), Ok(2)]), "{got:?}");
        let err = got[2].as_ref().unwrap_err();
        assert!(matches!(err, Error::ListStopped { reason: ListStop::RepeatedPage { page: 2 }, .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "list: page 2 holds the very items of page 1: the service does not page through the list"
        );
        assert_eq!(got.len(), 3);

        // Pages that come slower than the walk may take.
        let limits = ListLimits::new(1_000, 1_000, Duration::from_millis(50));
        let stream = pages(limits, "list", Some(1), |number| async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(Page { items: vec![number as u32], info: info(number, Some(1), None) })
        });
        let got: Vec<Result<u32, Error>> = stream.collect().await;
        let last = got.last().unwrap().as_ref().unwrap_err();
        assert!(matches!(last, Error::ListStopped { reason: ListStop::Time { .. }, .. }), "{last:?}");
        assert!((2..=3).contains(&(got.len() - 1)), "{got:?}");
    }
}
