//! Object paths such as `62.05`.

use core::fmt;

/// Where an object sits: its ID, and its parent template's ID when nested.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Path {
    ids: [u8; 2],
    len: u8,
}

impl Path {
    /// The payload itself.
    pub const ROOT: Path = Path {
        ids: [0; 2],
        len: 0,
    };

    /// A top-level object.
    pub const fn top(id: u8) -> Self {
        Self {
            ids: [id, 0],
            len: 1,
        }
    }

    /// A nested object.
    pub const fn nested(parent: u8, id: u8) -> Self {
        Self {
            ids: [parent, id],
            len: 2,
        }
    }

    /// `child` under this path (paths are at most two deep: templates do not nest further).
    pub const fn child(self, id: u8) -> Self {
        match self.len {
            0 => Self::top(id),
            _ => Self::nested(self.ids[0], id),
        }
    }

    /// True for the payload itself.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The IDs, outermost first.
    pub fn ids(&self) -> &[u8] {
        self.ids.get(..usize::from(self.len)).unwrap_or_default()
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, id) in self.ids().iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{id:02}")?;
        }
        Ok(())
    }
}
