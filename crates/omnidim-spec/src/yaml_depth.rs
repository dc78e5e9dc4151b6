//! A linear pre-scan of YAML text for the nesting depth of flow collections (`[`, `{`), run
//! before the YAML parser.
//!
//! Why: libyaml (under serde_yaml_ng) does work proportional to the current flow depth for every
//! token it reads (its simple-key stack has an entry per flow level), and serde_yaml_ng applies
//! its recursion limit (128) only after the whole document has been parsed into events. A spec of
//! 100 000 nested `[` took over a minute to be rejected; deep `{a: ...` longer still.
//!
//! The scan follows libyaml's tokenizer as far as it decides where a flow collection can begin:
//! comments, quoted scalars (multi-line), plain scalars (multi-line, continued while indented more
//! than the enclosing block collection, whose indentation is tracked like libyaml's `indent`),
//! block scalars (`|`, `>`: their content lines are skipped) and the indicators. It rejects a flow
//! depth above serde_yaml_ng's own limit, so it never turns away a document that the parser would
//! accept, and it does constant work per byte.

/// serde_yaml_ng's recursion limit: no document nested deeper is accepted by it anyway.
pub(crate) const MAX_FLOW_DEPTH: usize = 128;

/// Where the flow collection that went past [`MAX_FLOW_DEPTH`] opens (1-based line and column).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooDeep {
    pub line: usize,
    pub column: usize,
}

/// `Err` at the first `[`/`{` nested deeper than [`MAX_FLOW_DEPTH`].
pub(crate) fn check(text: &str) -> Result<(), TooDeep> {
    // The scan stops at the first NUL byte. Its "end of input" tests read a NUL (`at` gives 0
    // past the end), so a NUL inside the text looked like the end without being it and the scan
    // stopped advancing: `a\0b` looped for good (found by the adversarial suite, issue #13). The
    // parser refuses any document with a NUL ("control characters are not allowed"), so nothing
    // it would accept goes unscanned.
    let bytes = text.as_bytes();
    let bytes = bytes
        .iter()
        .position(|&b| b == 0)
        .and_then(|nul| bytes.get(..nul))
        .unwrap_or(bytes);
    let mut s = Scanner {
        b: bytes,
        i: 0,
        line: 1,
        line_start: 0,
        flow: 0,
        indents: Vec::new(),
        indent: -1,
        allowed: true,
        key: None,
    };
    // A byte order mark is not content.
    if s.b.starts_with("\u{feff}".as_bytes()) {
        s.i = 3;
        s.line_start = 3;
    }
    s.run()
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    line: usize,
    line_start: usize,
    /// Flow depth (0: block context).
    flow: usize,
    /// libyaml's indentation stack of block collections, and the current one (-1 at the top).
    indents: Vec<isize>,
    indent: isize,
    /// Whether a simple key may start at the next token (libyaml's `simple_key_allowed`).
    allowed: bool,
    /// The line and column of the possible simple key in block context: the column of a block
    /// mapping when a `:` follows on the same line.
    key: Option<(usize, usize)>,
}

/// Blank, line break or end of input (libyaml's `IS_BLANKZ`).
fn blankz(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0)
}

fn flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

impl Scanner<'_> {
    /// The byte at `i + k`, 0 past the end (the input is text: no NUL is significant here).
    fn at(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }

    fn cur(&self) -> u8 {
        self.at(0)
    }

    fn done(&self) -> bool {
        self.i >= self.b.len()
    }

    fn col(&self) -> usize {
        self.i - self.line_start
    }

    /// Consume one byte, keeping the line count.
    fn bump(&mut self) {
        if self.cur() == b'\n' {
            self.line += 1;
            self.line_start = self.i + 1;
        }
        self.i += 1;
    }

    fn skip_to_eol(&mut self) {
        while !self.done() && self.cur() != b'\n' {
            self.i += 1;
        }
    }

    fn document_marker(&self) -> bool {
        self.col() == 0
            && (self.b.get(self.i..self.i + 3) == Some(b"---".as_slice())
                || self.b.get(self.i..self.i + 3) == Some(b"...".as_slice()))
            && blankz(self.at(3))
    }

    fn roll(&mut self, column: usize) {
        let column = column as isize;
        if self.indent < column {
            self.indents.push(self.indent);
            self.indent = column;
        }
    }

    fn unroll(&mut self, column: isize) {
        while self.indent > column {
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn save_key(&mut self) {
        if self.allowed && self.flow == 0 {
            self.key = Some((self.line, self.col()));
        }
    }

    /// Whitespace, comments and line breaks up to the next token.
    fn skip_to_token(&mut self) {
        loop {
            while matches!(self.cur(), b' ' | b'\t' | b'\r') && !self.done() {
                self.i += 1;
            }
            if self.cur() == b'#' {
                self.skip_to_eol();
            }
            if self.cur() == b'\n' && !self.done() {
                self.bump();
                if self.flow == 0 {
                    self.allowed = true;
                }
                continue;
            }
            return;
        }
    }

    fn run(&mut self) -> Result<(), TooDeep> {
        loop {
            self.skip_to_token();
            if self.done() {
                return Ok(());
            }
            let col = self.col();
            if self.flow == 0 {
                self.unroll(col as isize);
            }
            if self.document_marker() {
                self.unroll(-1);
                self.key = None;
                self.allowed = true;
                self.i += 3;
                continue;
            }
            if col == 0 && self.cur() == b'%' {
                self.skip_to_eol();
                continue;
            }
            let c = self.cur();
            let next_blank = blankz(self.at(1));
            match c {
                b'[' | b'{' => {
                    self.save_key();
                    self.flow += 1;
                    if self.flow > MAX_FLOW_DEPTH {
                        return Err(TooDeep {
                            line: self.line,
                            column: col + 1,
                        });
                    }
                    self.allowed = true;
                    self.i += 1;
                }
                b']' | b'}' => {
                    self.flow = self.flow.saturating_sub(1);
                    self.allowed = false;
                    self.i += 1;
                }
                b',' => {
                    self.allowed = true;
                    self.i += 1;
                }
                b'-' if next_blank => {
                    if self.flow == 0 {
                        self.roll(col);
                    }
                    self.allowed = true;
                    self.key = None;
                    self.i += 1;
                }
                b'?' if self.flow > 0 || next_blank => {
                    if self.flow == 0 {
                        self.roll(col);
                    }
                    self.allowed = self.flow == 0;
                    self.key = None;
                    self.i += 1;
                }
                b':' if self.flow > 0 || next_blank => {
                    if self.flow == 0 {
                        match self.key.take() {
                            Some((line, key_col)) if line == self.line => self.roll(key_col),
                            _ => self.roll(col),
                        }
                    }
                    self.allowed = self.flow == 0;
                    self.i += 1;
                }
                b'*' | b'&' | b'!' => {
                    // Alias, anchor, tag: a name up to a blank (or a flow indicator).
                    self.save_key();
                    self.allowed = false;
                    self.i += 1;
                    while !blankz(self.cur()) && !flow_indicator(self.cur()) {
                        self.i += 1;
                    }
                }
                b'|' | b'>' if self.flow == 0 => {
                    self.block_scalar();
                    self.allowed = true;
                    self.key = None;
                }
                b'\'' | b'"' => {
                    self.save_key();
                    self.allowed = false;
                    self.quoted(c);
                }
                _ => {
                    self.save_key();
                    self.allowed = false;
                    self.plain();
                }
            }
        }
    }

    /// A quoted scalar, over as many lines as it takes (as libyaml reads it).
    fn quoted(&mut self, quote: u8) {
        self.i += 1;
        while !self.done() {
            let c = self.cur();
            if quote == b'"' && c == b'\\' {
                self.bump();
                if !self.done() {
                    self.bump();
                }
                continue;
            }
            if c == quote {
                if quote == b'\'' && self.at(1) == b'\'' {
                    self.i += 2;
                    continue;
                }
                self.i += 1;
                return;
            }
            self.bump();
        }
    }

    /// A plain scalar: up to `: `, ` #`, a flow indicator in flow context, or a line that is not
    /// a continuation (in block context, one indented no more than the enclosing collection).
    fn plain(&mut self) {
        let min_col = self.indent + 1;
        loop {
            while !blankz(self.cur()) {
                let c = self.cur();
                if c == b':'
                    && (blankz(self.at(1)) || (self.flow > 0 && flow_indicator(self.at(1))))
                {
                    return;
                }
                if self.flow > 0 && flow_indicator(c) {
                    return;
                }
                self.i += 1;
            }
            if self.done() {
                return;
            }
            let mut broke = false;
            while !self.done() && matches!(self.cur(), b' ' | b'\t' | b'\r' | b'\n') {
                broke |= self.cur() == b'\n';
                self.bump();
            }
            if self.done() {
                return;
            }
            if broke {
                if self.flow == 0 {
                    self.allowed = true;
                    if (self.col() as isize) < min_col {
                        return;
                    }
                }
                if self.document_marker() {
                    return;
                }
            }
            if self.cur() == b'#' {
                return;
            }
        }
    }

    /// A block scalar from its indicator: the header line, then every content line (empty, or
    /// indented at least as the block's indentation), as libyaml determines it.
    fn block_scalar(&mut self) {
        self.i += 1;
        let mut increment = 0isize;
        while matches!(self.cur(), b'+' | b'-' | b'1'..=b'9') {
            if self.cur().is_ascii_digit() {
                increment = isize::from(self.cur() - b'0');
            }
            self.i += 1;
        }
        self.skip_to_eol();
        if self.done() {
            return;
        }
        self.bump();
        let mut block_indent = if increment > 0 {
            if self.indent >= 0 {
                self.indent + increment
            } else {
                increment
            }
        } else {
            // Auto-detected: the most indented of the leading empty lines and the first content
            // line, at least one more than the enclosing collection.
            let mut j = self.i;
            let mut max = 0isize;
            loop {
                let start = j;
                while self.b.get(j) == Some(&b' ') {
                    j += 1;
                }
                max = max.max((j - start) as isize);
                match self.b.get(j) {
                    Some(b'\n') => j += 1,
                    Some(b'\r') if self.b.get(j + 1) == Some(&b'\n') => j += 2,
                    _ => break,
                }
            }
            max.max(self.indent + 1).max(1)
        };
        if block_indent < 1 {
            block_indent = 1;
        }
        loop {
            let start = self.i;
            let mut j = start;
            while self.b.get(j) == Some(&b' ') {
                j += 1;
            }
            let spaces = (j - start) as isize;
            let rest = self.b.get(j).copied();
            let empty = matches!(rest, None | Some(b'\n'))
                || (rest == Some(b'\r') && matches!(self.b.get(j + 1), None | Some(b'\n')));
            if !empty && spaces < block_indent {
                return; // the next token starts on this line
            }
            self.i = j;
            self.skip_to_eol();
            if self.done() {
                return;
            }
            self.bump();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn flow_depth_up_to_the_limit_passes_and_beyond_it_fails_at_the_bracket() {
        assert_eq!(check(&nested(MAX_FLOW_DEPTH)), Ok(()));
        assert_eq!(
            check(&nested(MAX_FLOW_DEPTH + 1)),
            Err(TooDeep {
                line: 1,
                column: 4 + MAX_FLOW_DEPTH
            })
        );
        let maps = format!("{}1{}", "{a: ".repeat(1000), "}".repeat(1000));
        assert!(check(&maps).is_err());
        let lines = format!("x:\n{}", "  [\n".repeat(200));
        assert!(check(&lines).is_err());
    }

    #[test]
    fn brackets_in_scalars_and_comments_are_not_nesting() {
        let deep = "[".repeat(300);
        for text in [
            format!("a: x {deep}\n"),
            format!("a: '{deep}'\nb: \"{deep}\\\"\"\n"),
            format!("a: 1 # {deep}\n# {deep}\n"),
            format!("a: |\n  {deep}\n  more {deep}\n\n  {deep}\nb: 1\n"),
            format!("- >-\n    {deep}\n- [1, 2]\n"),
            format!("a: x\n  {deep}\nb: 1\n"),
            format!("a:\n  plain\n {deep}\n"),
            format!("a: [x, 'q''{deep}', \"{deep}\"]\n"),
            format!("a: [x,\n  {{y}}, z]\nb: '\n  {deep}\n  '\n"),
            format!("a: &anchor x{deep}\nb: !tag x{deep}\n"),
            format!("key: \"line one\n  {deep} two\"\n"),
        ] {
            assert_eq!(check(&text), Ok(()), "{text}");
            let parsed = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text);
            assert!(parsed.is_ok(), "{text}: {parsed:?}");
        }
    }

    #[test]
    fn the_embedded_spec_passes() {
        assert_eq!(check(crate::EMBEDDED_YAML), Ok(()));
    }

    /// The count is exact: the embedded spec as JSON (flow style throughout, strings with
    /// brackets, quotes and escapes), wrapped in `[` up to depth 128 passes, and to 129 fails.
    #[test]
    fn the_count_is_exact_on_the_spec_in_flow_style() {
        fn depth(v: &serde_json::Value) -> usize {
            match v {
                serde_json::Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
                serde_json::Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
                _ => 0,
            }
        }
        let spec = crate::Spec::embedded().unwrap();
        let json = serde_json::to_string_pretty(spec.document()).unwrap();
        let d = depth(spec.document());
        let wrap = |n: usize| format!("{}{json}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(check(&wrap(MAX_FLOW_DEPTH - d)), Ok(()));
        assert!(serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&wrap(MAX_FLOW_DEPTH - d)).is_ok());
        assert!(check(&wrap(MAX_FLOW_DEPTH - d + 1)).is_err());
    }

    /// A block scalar ends at the first line indented no more than its mapping key; what follows
    /// is counted again.
    #[test]
    fn nesting_after_a_block_scalar_is_counted() {
        let text = format!("- key: |\n    text\n  other: {}\n", nested(200));
        assert!(check(&text).is_err());
        let text = format!("a: x\nb: {}", nested(200).trim_start_matches("a: "));
        assert!(check(&text).is_err());
    }

    /// A NUL byte ends the scan (it looped for good inside a plain scalar); deep nesting before
    /// it is still found.
    #[test]
    fn a_nul_byte_ends_the_scan() {
        for text in ["a\0b", "a: x\0y\n", "\0", "- [a\0]", "'a\0'", "a: &x\0"] {
            assert_eq!(check(text), Ok(()), "{text:?}");
        }
        assert!(check(&format!("{}\0", nested(200))).is_err());
    }
}
