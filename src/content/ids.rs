//! Typed ids of the documents of a [`SiteTree`](super::SiteTree): a page
//! is a [`PageId`], a section a [`SectionId`], and either is a [`DocId`].
//! Their one order is the site's: sections first, then pages, each in
//! the order the tree holds them. Values kept per document live in a
//! [`PerDoc`], looked up by any of the three.

use std::ops::{Index, IndexMut};

use typed_index_collections::TiVec;

/// A page: its place in `SiteTree::pages`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(u32);

/// A section: its place in `SiteTree::sections`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(u32);

impl SectionId {
    /// The home page's section.
    pub const ROOT: SectionId = SectionId(0);
}

/// A page or a section; sections order before pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocId {
    Section(SectionId),
    Page(PageId),
}

// `TiVec` converts its keys to and from positions. An id is four bytes
// (sets of them are kept for every link target); a site has fewer than
// four billion documents long before it runs out of memory.
macro_rules! position {
    ($id:ident) => {
        impl From<usize> for $id {
            fn from(position: usize) -> $id {
                $id(u32::try_from(position).expect("fewer than 2^32 documents"))
            }
        }

        impl From<$id> for usize {
            fn from(id: $id) -> usize {
                id.0 as usize
            }
        }
    };
}
position!(PageId);
position!(SectionId);

impl From<PageId> for DocId {
    fn from(id: PageId) -> DocId {
        DocId::Page(id)
    }
}

impl From<SectionId> for DocId {
    fn from(id: SectionId) -> DocId {
        DocId::Section(id)
    }
}

/// One value for each document of a tree.
#[derive(Debug, Clone, Default)]
pub struct PerDoc<T> {
    pub sections: TiVec<SectionId, T>,
    pub pages: TiVec<PageId, T>,
}

impl<T> PerDoc<T> {
    /// Every document's value, in site order.
    pub fn iter(&self) -> impl Iterator<Item = (DocId, &T)> {
        let sections = self.sections.iter_enumerated().map(|(id, v)| (DocId::Section(id), v));
        sections.chain(self.pages.iter_enumerated().map(|(id, v)| (DocId::Page(id), v)))
    }

    /// The value `f` makes of each value.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> PerDoc<U> {
        PerDoc {
            sections: self.sections.into_iter().map(&mut f).collect(),
            pages: self.pages.into_iter().map(f).collect(),
        }
    }

    /// The two values `f` makes of each value, in two lists.
    pub fn split<A, B>(self, mut f: impl FnMut(T) -> (A, B)) -> (PerDoc<A>, PerDoc<B>) {
        let (sections_a, sections_b) = self.sections.into_iter().map(&mut f).unzip();
        let (pages_a, pages_b) = self.pages.into_iter().map(f).unzip();
        (PerDoc { sections: sections_a, pages: pages_a }, PerDoc { sections: sections_b, pages: pages_b })
    }

    /// The value `f` makes of each value, keeping these.
    pub fn map_ref<U>(&self, mut f: impl FnMut(&T) -> U) -> PerDoc<U> {
        PerDoc { sections: self.sections.iter().map(&mut f).collect(), pages: self.pages.iter().map(f).collect() }
    }

    /// Every value, in site order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.sections.iter().chain(self.pages.iter())
    }

    /// Every document's id, in site order.
    pub fn ids(&self) -> impl Iterator<Item = DocId> + '_ {
        self.iter().map(|(id, _)| id)
    }

    pub fn len(&self) -> usize {
        self.sections.len() + self.pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Index<DocId> for PerDoc<T> {
    type Output = T;
    fn index(&self, id: DocId) -> &T {
        match id {
            DocId::Section(id) => &self.sections[id],
            DocId::Page(id) => &self.pages[id],
        }
    }
}

impl<T> IndexMut<DocId> for PerDoc<T> {
    fn index_mut(&mut self, id: DocId) -> &mut T {
        match id {
            DocId::Section(id) => &mut self.sections[id],
            DocId::Page(id) => &mut self.pages[id],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_come_before_pages() {
        let mut ids = vec![DocId::Page(PageId(0)), DocId::Section(SectionId(3)), DocId::Section(SectionId(1))];
        ids.sort();
        assert_eq!(ids, [DocId::Section(SectionId(1)), DocId::Section(SectionId(3)), DocId::Page(PageId(0))]);
        let store = PerDoc { sections: vec!["s0", "s1"].into(), pages: vec!["p0"].into() };
        assert_eq!(store.values().copied().collect::<Vec<_>>(), ["s0", "s1", "p0"]);
        assert_eq!(store[DocId::Page(PageId(0))], "p0");
    }
}
