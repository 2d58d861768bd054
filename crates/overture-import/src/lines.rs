//! Physical line numbers of CSV rows read from a stream.
//!
//! The `csv` crate notes where a row starts before it skips the line break that ends the
//! previous row (the LF of a CRLF) and any blank lines, so its `Position::line` runs behind
//! in files with CRLF line ends (a spreadsheet's) or blank lines
//! (<https://github.com/BurntSushi/rust-csv/issues/395>). [`LineBreaks`] sits between the
//! file and the CSV reader and notes where the line breaks are, so that a row's line can be
//! told from its byte offset without keeping the file in memory: what it keeps is the line
//! breaks the CSV reader has read ahead of the row it returned, at most its buffer's worth.

use std::collections::VecDeque;
use std::io::{self, Read};

/// A reader that passes bytes through and notes the offsets of their CR and LF bytes.
#[derive(Debug)]
pub(crate) struct LineBreaks<R> {
    inner: R,
    /// Bytes passed through so far.
    offset: u64,
    /// The offsets of CR and LF bytes not yet counted, oldest first, and whether each is an LF.
    breaks: VecDeque<(u64, bool)>,
    /// LF bytes counted so far: those before the start of the last row asked about.
    lines: u64,
}

impl<R> LineBreaks<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            breaks: VecDeque::new(),
            lines: 0,
        }
    }

    /// The physical line, 1-based, of the row the CSV reader says starts at byte `offset`.
    /// The row really starts at the first byte from `offset` on that is no line break. Rows
    /// must be asked about in the order of their offsets.
    pub(crate) fn line_of_row_at(&mut self, offset: u64) -> u64 {
        let mut next = offset;
        while let Some(&(at, lf)) = self.breaks.front() {
            if at > next {
                break;
            }
            if at == next {
                // A line break right where the row was said to start: the row starts after it.
                next += 1;
            }
            self.lines += u64::from(lf);
            self.breaks.pop_front();
        }
        self.lines + 1
    }
}

impl<R: Read> Read for LineBreaks<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                self.breaks.push_back((self.offset + i as u64, b == b'\n'));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::LineBreaks;
    use std::io::Read;

    /// The lines of rows starting at `offsets`, the whole input read first (as the CSV reader
    /// reads ahead).
    fn lines(input: &[u8], offsets: &[u64]) -> Vec<u64> {
        let mut reader = LineBreaks::new(input);
        let mut sink = Vec::new();
        reader.read_to_end(&mut sink).unwrap();
        offsets.iter().map(|&o| reader.line_of_row_at(o)).collect()
    }

    #[test]
    fn rows_after_lf_crlf_and_blank_lines_get_their_physical_line() {
        // "h\n" then "a\n": the second row starts at byte 2, line 2.
        assert_eq!(lines(b"h\na\n", &[0, 2]), [1, 2]);
        // CRLF: the reader says the second row starts at the LF (byte 2).
        assert_eq!(lines(b"h\r\na\r\nb\r\n", &[0, 2, 5]), [1, 2, 3]);
        // Blank lines before a row are skipped over, CRLF or LF.
        assert_eq!(lines(b"h\r\n\r\n\r\na\r\n", &[0, 2]), [1, 4]);
        assert_eq!(lines(b"h\n\n\na\n", &[0, 2]), [1, 4]);
        // A quoted line break inside a row counts for the rows after it.
        assert_eq!(lines(b"h\r\n\"x\r\ny\"\r\nb\r\n", &[0, 2, 10]), [1, 2, 4]);
    }
}
