//! What a line of a page is: [`Line`], its [`Role`] and the name of the rule that decided
//! it, and the [`Opener`]s that start an article.

use std::borrow::Cow;

use crate::extract::read::dateline::Dateline;
use crate::extract::text::clean;
use crate::extract::text::shape::{self, Shape};

/// What starts an article's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opener {
    /// A dateline (`本报讯`, `本报某地5月1日讯`, `新华社北京5月1日电`).
    Dateline,
    /// A byline opening the paragraph without `讯` (`（记者 X）…`, `本报记者 X 报道 …`).
    Byline,
    /// A compiled item (`本报综合 据某某报道，…`).
    Compiled,
    /// A news organisation's dated report (`某某客户端8月5日消息`).
    Wire,
    /// A letter's salutation (`编辑同志：`).
    Salutation,
    /// An item of a log of dated items (`9月12日，某镇召开…`), each its own paragraph.
    Dated,
}

/// What a line of a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Masthead, page header, promotion, hotline, URL, navigation, credits.
    Furniture,
    /// A line that starts an article's body.
    Opens(Opener),
    /// A standalone byline (`本报记者 X`, `记者 X 通讯员 Y`).
    Byline,
    /// A photo credit (`X 摄`, `■记者 X 摄`, `文/图 X`).
    Credit,
    /// A commentary author line (`X县委常委、宣传部部长 Y`).
    Author,
    /// A brief opening with a marker (`■`, `▲`, `●`, `※`).
    Marker,
    /// A short line without sentence punctuation: headline, subhead, caption, label.
    Head,
    /// Running text.
    Para,
}

impl Role {
    /// Whether the line starts an article's body.
    pub(crate) fn opens(self) -> bool {
        matches!(self, Role::Opens(_))
    }

    /// The role's name, as `--explain` prints it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Role::Furniture => "furniture",
            Role::Opens(Opener::Dateline) => "opens:dateline",
            Role::Opens(Opener::Byline) => "opens:byline",
            Role::Opens(Opener::Compiled) => "opens:compiled",
            Role::Opens(Opener::Wire) => "opens:wire",
            Role::Opens(Opener::Salutation) => "opens:salutation",
            Role::Opens(Opener::Dated) => "opens:dated",
            Role::Byline => "byline",
            Role::Credit => "credit",
            Role::Author => "author",
            Role::Marker => "marker",
            Role::Head => "head",
            Role::Para => "para",
        }
    }
}

/// One non-blank line of a page.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// The line, trimmed (spaces inside kept).
    pub(crate) text: String,
    /// The line's matching key when it differs from `text` (see [`Line::key`]).
    pub(crate) folded: Option<String>,
    /// What its key looks like: the marks it holds (colons, digits, a sentence's
    /// punctuation …) and its number of characters, read once.
    pub(crate) shape: Shape,
    /// Blank lines before it (0: same block as the line before; large at the page top).
    pub(crate) gap: usize,
    /// Its role.
    pub(crate) role: Role,
    /// The name of the rule that decided the role (see the table in the module doc).
    pub(crate) because: &'static str,
    /// What its opener reads (organisation, place, date, byline), for a line that opens
    /// with a dateline, a byline, a compiled item's source or a wire report; `None` for
    /// any other line and for a salutation.
    pub(crate) dateline: Option<Dateline>,
    /// A headline-like line that stood under its story's time line (furniture) before
    /// the page was put in reading order: on a news site, the subtitle under the title.
    pub(crate) under_meta: bool,
}

impl Line {
    /// A line of `text` with its key (`folded` as `text::fold::key` gives it: `None` when the
    /// text is its own key).
    pub(crate) fn new(
        text: String,
        folded: Option<String>,
        gap: usize,
        (role, because): (Role, &'static str),
        dateline: Option<Dateline>,
    ) -> Line {
        let shape = Shape::of(folded.as_deref().unwrap_or(&text));
        Line {
            text,
            folded,
            shape,
            gap,
            role,
            because,
            dateline,
            under_meta: false,
        }
    }

    /// The line's matching key: its text with traditional characters folded to
    /// simplified ones, each at the byte offset it has in the text (`text::fold`).
    /// Rules that match words read it; what an article prints is cut from `text`.
    pub(crate) fn key(&self) -> &str {
        self.folded.as_deref().unwrap_or(&self.text)
    }

    /// The key squeezed (`text::clean::squeeze_cow`); a key whose shape holds no white
    /// space is not walked for it.
    pub(crate) fn squeezed(&self) -> Cow<'_, str> {
        if self.shape.lacks(shape::SPACE) {
            clean::squeeze_spaceless(self.key())
        } else {
            clean::squeeze_cow(self.key())
        }
    }

    /// Appends `other`'s text (a space between when `space`), and its key.
    pub(crate) fn append(&mut self, space: bool, other: &Line) {
        if self.folded.is_some() || other.folded.is_some() {
            let mut k = self.key().to_string();
            if space {
                k.push(' ');
            }
            k.push_str(other.key());
            self.folded = Some(k);
        }
        if space {
            self.text.push(' ');
        }
        self.text.push_str(&other.text);
        self.shape = self.shape.joined(other.shape, space);
    }

    /// Gives the line a role, naming the rule that decided it.
    pub(crate) fn set(&mut self, role: Role, because: &'static str) {
        self.role = role;
        self.because = because;
    }
}
