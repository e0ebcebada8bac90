//! Walking a list operation across its pages. Written by hand; the generator only marks
//! which operations page (`request::Paged`) and which models are pages (`Page`).
//!
//! Atlas pages with `itemsPerPage` (default 100, at most 500) and `pageNum` (from 1), and
//! answers `results`, usually `totalCount`, and `links` (with a `next` link while there is
//! more). A walk stops after the page that is the last by any of those signs: an empty or
//! short page, `totalCount` reached, or links without `next`. Pages are fetched only as
//! the stream is read.

use std::future::Future;

use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::Error;

/// Atlas's page size when a call does not set `items_per_page`.
pub const DEFAULT_ITEMS_PER_PAGE: i64 = 100;

/// Every item of a list operation, across pages: a `Stream` that owns what it needs (the
/// client is shared, not borrowed), so it can be returned, stored or moved to a task.
pub type Items<T> = BoxStream<'static, Result<T, Error>>;

/// What a page says about itself.
#[doc(hidden)]
#[derive(Debug)]
pub struct PageParts<T> {
    pub items: Vec<T>,
    pub total_count: Option<i64>,
    /// Whether its links include `next`; `None` when it has no links.
    pub has_next_link: Option<bool>,
}

/// A page model (`PaginatedClusterDescription20240805`).
#[doc(hidden)]
pub trait Page {
    type Item;
    fn into_parts(self) -> PageParts<Self::Item>;
}

/// A call of a list operation (a `Request` of a `Paged` operation).
#[doc(hidden)]
pub trait Pageable: Sized + Send {
    type Page: Page;
    fn items_per_page(&self) -> Option<i64>;
    fn page_num(&self) -> Option<i64>;
    /// The same call for another page.
    fn at_page(&self, page_num: i64) -> Self;
    fn fetch(self) -> impl Future<Output = Result<Self::Page, Error>> + Send;
}

/// Whether the page `page_num` (of `per_page` items) is the last.
fn is_last<T>(parts: &PageParts<T>, page_num: i64, per_page: i64) -> bool {
    let seen = (page_num - 1).saturating_mul(per_page).saturating_add(parts.items.len() as i64);
    parts.items.is_empty()
        || (parts.items.len() as i64) < per_page
        || parts.total_count.is_some_and(|total| seen >= total)
        || parts.has_next_link == Some(false)
}

/// The items of every page from the call's own page on, fetched lazily.
pub fn items<B>(builder: B) -> Items<<B::Page as Page>::Item>
where
    B: Pageable + 'static,
    <B::Page as Page>::Item: Send + 'static,
{
    let per_page = builder.items_per_page().unwrap_or(DEFAULT_ITEMS_PER_PAGE).max(1);
    let first = builder.page_num().unwrap_or(1).max(1);
    // The state: the next page's call, or `None` once the last page has been read.
    let pages = stream::try_unfold(Some((builder, first)), move |state| async move {
        let Some((call, page_num)) = state else { return Ok::<_, Error>(None) };
        let next = call.at_page(page_num + 1);
        let parts = call.fetch().await?.into_parts();
        let last = is_last(&parts, page_num, per_page);
        tracing::debug!(page_num, items = parts.items.len(), total_count = parts.total_count, last, "atlas page");
        Ok(Some((parts.items, (!last).then_some((next, page_num + 1)))))
    });
    pages.map_ok(|items| stream::iter(items.into_iter().map(Ok))).try_flatten().boxed()
}

/// Every item of every page, in order.
pub async fn collect_all<B>(builder: B) -> Result<Vec<<B::Page as Page>::Item>, Error>
where
    B: Pageable + 'static,
    <B::Page as Page>::Item: Send + 'static,
{
    items(builder).try_collect().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(items: usize, total: Option<i64>, next: Option<bool>) -> PageParts<u8> {
        PageParts { items: vec![0; items], total_count: total, has_next_link: next }
    }

    #[test]
    fn the_last_page_is_told_by_any_sign() {
        assert!(!is_last(&parts(10, Some(25), Some(true)), 1, 10));
        assert!(is_last(&parts(5, Some(25), Some(true)), 3, 10), "short page");
        assert!(is_last(&parts(10, Some(20), Some(true)), 2, 10), "exactly full, total reached");
        assert!(is_last(&parts(10, None, Some(false)), 2, 10), "no next link");
        assert!(!is_last(&parts(10, None, None), 2, 10), "full page, nothing else known");
        assert!(is_last(&parts(0, None, None), 3, 10), "empty page");
    }
}
