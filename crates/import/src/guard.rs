//! Structural checks run before a file reaches calamine.
//!
//! calamine trusts sizes and sector numbers written in the file: a damaged
//! or hostile .xls can make it allocate terabytes or loop forever, which no
//! `catch_unwind` can stop (the process aborts). So an OLE container is
//! walked here first, with every sector number bounded and every chain
//! checked for cycles, exactly along the paths calamine then follows
//! (header, DIFAT, FAT, directory, mini FAT, mini stream, the "Workbook"
//! stream); the BIFF records of that stream are then checked for the
//! counts and cell extents calamine allocates from. An .ods content.xml is
//! checked for repeat counts that would expand into millions of cells, or
//! a long text into more than [`MAX_TEXT_BYTES`] of copies.

use crate::read::{FileError, MAX_TEXT_BYTES};

/// Most cells one sheet may expand to in memory (a commune's registry has
/// well under a million).
pub(crate) const MAX_SHEET_CELLS: u64 = 4_000_000;

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const DIFSECT: u32 = 0xFFFF_FFFC;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;

fn broken(reason: &str) -> FileError {
    FileError::Broken(reason.to_string())
}

/// More cells or text than the limits: the file multiplies itself.
fn expands(reason: &str) -> FileError {
    FileError::Expands(reason.to_string())
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// What the OLE walk found.
pub(crate) struct OleInfo {
    /// Names of all directory entries.
    pub names: Vec<String>,
    /// The "Workbook" (or "Book") stream, when there is one.
    pub workbook: Option<Vec<u8>>,
}

impl OleInfo {
    pub fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
}

/// The sectors of an OLE file after its header, as calamine sees them.
struct Sectors<'a> {
    data: &'a [u8],
    size: usize,
    count: u32,
}

impl Sectors<'_> {
    fn get(&self, id: u32) -> Result<&[u8], FileError> {
        if id >= self.count {
            return Err(broken("số hiệu vùng dữ liệu vượt quá cỡ tệp"));
        }
        let start = id as usize * self.size;
        let end = (start + self.size).min(self.data.len());
        Ok(&self.data[start..end])
    }

    /// Follow a chain through the FAT, refusing cycles and bad links.
    fn chain(&self, mut id: u32, fat: &[u32], declared_len: u64) -> Result<Vec<u8>, FileError> {
        if declared_len > self.data.len() as u64 + self.size as u64 {
            return Err(broken("độ dài khai báo lớn hơn cả tệp"));
        }
        let mut out = Vec::new();
        let mut steps = 0u32;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > self.count {
                return Err(broken("chuỗi vùng dữ liệu bị vòng lặp"));
            }
            out.extend_from_slice(self.get(id)?);
            id = *fat
                .get(id as usize)
                .ok_or_else(|| broken("bảng FAT thiếu mục"))?;
        }
        if declared_len > 0 {
            out.truncate(declared_len as usize);
        }
        Ok(out)
    }
}

/// Walk an OLE/CFB container along calamine's paths.
pub(crate) fn check_ole(bytes: &[u8]) -> Result<OleInfo, FileError> {
    let short = || broken("phần đầu tệp .xls bị thiếu");
    if bytes.len() < 512 {
        return Err(short());
    }
    let version = u16_at(bytes, 26).ok_or_else(short)?;
    let size = match u16_at(bytes, 30).ok_or_else(short)? {
        9 => 512usize,
        12 => 4096usize,
        _ => return Err(broken("cỡ vùng dữ liệu không hợp lệ")),
    };
    if u16_at(bytes, 32) != Some(6) || bytes.len() < size {
        return Err(broken("phần đầu tệp .xls không hợp lệ"));
    }
    let data = &bytes[size..];
    let count = u32::try_from(data.len().div_ceil(size)).map_err(|_| short())?;
    let sectors = Sectors { data, size, count };
    let field = |at: usize| u32_at(bytes, at).ok_or_else(short);
    let dir_len = field(40)?;
    let fat_len = field(44)?;
    let dir_start = field(48)?;
    let mini_fat_start = field(60)?;
    let mini_fat_len = field(64)?;
    let difat_start = field(68)?;
    if dir_len > count || fat_len > count || mini_fat_len > count {
        return Err(broken("số vùng dữ liệu khai báo lớn hơn cả tệp"));
    }

    // DIFAT: 109 entries in the header, then a chain of DIFAT sectors whose
    // last entry points to the next one.
    let mut difat: Vec<u32> = bytes[76..512]
        .chunks_exact(4)
        .filter_map(|c| u32_at(c, 0))
        .collect();
    let mut id = difat_start;
    let mut steps = 0u32;
    while id < RESERVED_SECTORS {
        steps += 1;
        if steps > count {
            return Err(broken("chuỗi DIFAT bị vòng lặp"));
        }
        difat.extend(
            sectors
                .get(id)?
                .chunks_exact(4)
                .filter_map(|c| u32_at(c, 0)),
        );
        id = difat.pop().ok_or_else(|| broken("bảng DIFAT rỗng"))?;
    }
    let mut fat: Vec<u32> = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        fat.extend(
            sectors
                .get(id)?
                .chunks_exact(4)
                .filter_map(|c| u32_at(c, 0)),
        );
    }

    // Directory entries, 128 bytes each.
    let dirs = sectors.chain(dir_start, &fat, u64::from(dir_len) * size as u64)?;
    if dirs.len() < 128 || dirs.len() % 128 != 0 {
        return Err(broken("thư mục trong tệp .xls bị hỏng"));
    }
    let entries: Vec<(String, u32, u64)> = dirs
        .chunks_exact(128)
        .map(|e| {
            let units = e[..64]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]));
            let mut name: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect();
            if let Some(nul) = name.find('\0') {
                name.truncate(nul);
            }
            let start = u32_at(e, 116).unwrap_or(ENDOFCHAIN);
            let len = if size == 512 {
                u64::from(u32_at(e, 120).unwrap_or(0))
            } else {
                u64_at(e, 120).unwrap_or(0)
            };
            (name, start, len)
        })
        .collect();
    if version != 3 && entries[0].1 == ENDOFCHAIN {
        return Err(broken("thư mục gốc rỗng"));
    }

    // Mini stream and mini FAT.
    let (mini_fat, ministream) = if mini_fat_len > 0 {
        let ministream = sectors.chain(entries[0].1, &fat, entries[0].2)?;
        let mini_fat_bytes =
            sectors.chain(mini_fat_start, &fat, u64::from(mini_fat_len) * size as u64)?;
        let mini_fat: Vec<u32> = mini_fat_bytes
            .chunks_exact(4)
            .filter_map(|c| u32_at(c, 0))
            .collect();
        (mini_fat, ministream)
    } else {
        (Vec::new(), Vec::new())
    };

    let names: Vec<String> = entries.iter().map(|e| e.0.clone()).collect();
    let stream = entries
        .iter()
        .find(|e| e.0 == "Workbook")
        .or_else(|| entries.iter().find(|e| e.0 == "Book"));
    let workbook = match stream {
        None => None,
        Some((_, start, len)) if *len < 4096 => {
            let mini = Sectors {
                data: &ministream,
                size: 64,
                count: u32::try_from(ministream.len().div_ceil(64)).map_err(|_| short())?,
            };
            Some(mini.chain(*start, &mini_fat, *len)?)
        }
        Some((_, start, len)) => Some(sectors.chain(*start, &fat, *len)?),
    };
    Ok(OleInfo { names, workbook })
}

/// Cell records and their (row, first col, last col).
fn cell_span(typ: u16, data: &[u8]) -> Option<(u32, u32, u32)> {
    match typ {
        // Number, Label, BoolErr, Rk, LabelSst, Formula
        0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
            let row = u32::from(u16_at(data, 0)?);
            let col = u32::from(u16_at(data, 2)?);
            Some((row, col, col))
        }
        // MulRk: row, first col, ..., last col
        0x00BD => {
            let row = u32::from(u16_at(data, 0)?);
            let first = u32::from(u16_at(data, 2)?);
            let last = u32::from(u16_at(data, data.len().checked_sub(2)?)?);
            Some((row, first.min(last), first.max(last)))
        }
        _ => None,
    }
}

/// Records as calamine iterates them: (type, data, offset of the next record).
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let typ = u16_at(rest, 0)?;
        let len = usize::from(u16_at(rest, 2)?);
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((typ, data))
    })
}

/// Check the counts and extents calamine allocates from in a BIFF stream,
/// and the text its shared strings give the cells that point at them (each
/// such cell gets its own copy).
pub(crate) fn check_biff(stream: &[u8]) -> Result<(), FileError> {
    let mut sheet_starts = Vec::new();
    // Most UTF-8 bytes each shared string may give a cell.
    let mut sst_bytes: Vec<u32> = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            // SST: every string takes at least 3 bytes.
            0x00FC => {
                let n = u32_at(data, 4).unwrap_or(0);
                if u64::from(n) > stream.len() as u64 / 3 + 1 {
                    return Err(expands("bảng chuỗi khai báo quá nhiều chuỗi"));
                }
                // calamine reads the record with the CONTINUE records after it.
                let next = (data.as_ptr() as usize - stream.as_ptr() as usize) + data.len();
                let mut parts = vec![data];
                parts.extend(
                    records(&stream[next..])
                        .take_while(|(t, _)| *t == 0x003C)
                        .map(|(_, d)| d),
                );
                for (i, len) in sst_lengths(&parts).into_iter().enumerate() {
                    match sst_bytes.get_mut(i) {
                        Some(b) => *b = (*b).max(len),
                        None => sst_bytes.push(len),
                    }
                }
            }
            // BoundSheet8: where a sheet's records start.
            0x0085 => {
                if let Some(pos) = u32_at(data, 0) {
                    sheet_starts.push(pos as usize);
                }
            }
            _ => {}
        }
    }
    let mut text: u64 = 0;
    for start in sheet_starts {
        let Some(sheet) = stream.get(start..) else {
            return Err(broken("vị trí trang tính nằm ngoài tệp"));
        };
        check_biff_sheet(sheet)?;
        for (typ, data) in records(sheet) {
            match typ {
                0x000A => break,
                // LabelSst: row, col, xf, index into the SST.
                0x00FD => {
                    let i = u32_at(data, 6).unwrap_or(u32::MAX) as usize;
                    text = text.saturating_add(u64::from(sst_bytes.get(i).copied().unwrap_or(0)));
                    if text > MAX_TEXT_BYTES {
                        return Err(expands("các ô lặp lại quá nhiều chữ của bảng chuỗi"));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// The SST's strings as calamine's `parse_sst` walks them (MS-XLS 2.5.293
/// XLUnicodeRichExtendedString, split over CONTINUE records, each
/// continuation of characters starting with a new flags byte): for each
/// string, the most UTF-8 bytes its text can decode to: calamine turns each
/// character into two bytes and decodes them with the workbook's code page,
/// and no decoder gives more than 3 UTF-8 bytes per input byte.
/// Where calamine would stop with an error, the walk stops too (calamine
/// then reads no cell at all).
fn sst_lengths(parts: &[&[u8]]) -> Vec<u32> {
    let mut out = Vec::new();
    let Some(first) = parts.first().and_then(|p| p.get(8..)) else {
        return out;
    };
    let mut next = parts.iter().skip(1).copied();
    let mut data: &[u8] = first;
    loop {
        if data.is_empty() {
            match next.next() {
                Some(p) => data = p,
                None => return out,
            }
            // An empty part: calamine reads an empty string.
            if data.is_empty() {
                out.push(0);
                continue;
            }
        }
        if data.len() < 3 {
            return out;
        }
        let mut left = usize::from(u16::from_le_bytes([data[0], data[1]]));
        let cch = u32::from(u16::from_le_bytes([data[0], data[1]]));
        let flags = data[2];
        data = &data[3..];
        let mut high_byte = flags & 0x1 != 0;
        let mut runs = 0usize;
        let mut ext = 0usize;
        if flags & 0x8 != 0 {
            let Some(n) = u16_at(data, 0) else {
                return out;
            };
            runs = usize::from(n) * 4;
            data = &data[2..];
        }
        if flags & 0x4 != 0 {
            let Some(n) = u32_at(data, 0) else {
                return out;
            };
            // calamine reads an i32 and casts it: a negative size is huge.
            ext = i32::from_le_bytes(n.to_le_bytes()) as usize;
            data = &data[4..];
        }
        while left > 0 {
            let chars = if high_byte {
                (data.len() / 2).min(left)
            } else {
                data.len().min(left)
            };
            data = &data[if high_byte { 2 * chars } else { chars }..];
            left -= chars;
            if left > 0 {
                match next.next() {
                    Some(p) if !p.is_empty() => {
                        high_byte = p[0] & 0x1 != 0;
                        data = &p[1..];
                    }
                    _ => return out,
                }
            }
        }
        out.push(cch * 6);
        for mut skip in [runs, ext] {
            while skip > 0 {
                if data.is_empty() {
                    match next.next() {
                        Some(p) => data = p,
                        None => return out,
                    }
                }
                let l = skip.min(data.len());
                data = &data[l..];
                skip -= l;
            }
        }
    }
}

/// The extent calamine gives a sparse list of cells: rows from the first
/// to the last cell *in record order*, columns from the smallest to the
/// largest. Which records calamine keeps depends on their content (a label
/// pointing past the string table is dropped), so the check is made on every
/// cell record, and requires rows in non-decreasing order (as BIFF8 writes
/// them): then any subset calamine keeps has an extent within this one and
/// never a last row before its first.
#[derive(Default)]
struct Extent {
    first_row: Option<u32>,
    last_row: u32,
    min_col: u32,
    max_col: u32,
}

impl Extent {
    fn add(&mut self, row: u32, c0: u32, c1: u32) -> Result<(), FileError> {
        if self.first_row.is_none() {
            self.first_row = Some(row);
            self.min_col = c0;
            self.max_col = c1;
        } else if row < self.last_row {
            return Err(broken("các ô của trang tính không theo thứ tự dòng"));
        }
        self.last_row = row;
        self.min_col = self.min_col.min(c0);
        self.max_col = self.max_col.max(c1);
        let first = self.first_row.unwrap_or(row);
        let cells =
            (u64::from(self.last_row - first) + 1) * (u64::from(self.max_col - self.min_col) + 1);
        if cells > MAX_SHEET_CELLS {
            return Err(expands("trang tính khai báo quá nhiều ô"));
        }
        Ok(())
    }
}

fn check_biff_sheet(sheet: &[u8]) -> Result<(), FileError> {
    // calamine keeps values and formulas in two lists, each made dense:
    // both are subsets of these records.
    let mut cells = Extent::default();
    let (mut formula_row, mut formula_col) = (0u32, 0u32);
    for (typ, data) in records(sheet) {
        match typ {
            0x000A => break,
            // Dimensions: calamine reserves rows × cols cells.
            0x0200 => {
                let (rf, rl, cf, cl) = match data.len() {
                    10 => (
                        u32::from(u16_at(data, 0).unwrap_or(0)),
                        u32::from(u16_at(data, 2).unwrap_or(0)),
                        u32::from(u16_at(data, 4).unwrap_or(0)),
                        u32::from(u16_at(data, 6).unwrap_or(0)),
                    ),
                    14 => (
                        u32_at(data, 0).unwrap_or(0),
                        u32_at(data, 4).unwrap_or(0),
                        u32::from(u16_at(data, 8).unwrap_or(0)),
                        u32::from(u16_at(data, 10).unwrap_or(0)),
                    ),
                    _ => continue,
                };
                let (end_r, end_c) = if rl >= 1 && cl >= 1 {
                    (rl - 1, cl - 1)
                } else {
                    (rf, cf)
                };
                if end_r < rf || end_c < cf {
                    return Err(broken("kích thước trang tính không hợp lệ"));
                }
                let cells = (u64::from(end_r - rf) + 1) * (u64::from(end_c - cf) + 1);
                // BIFF8 sheets have at most 65536 × 256 cells.
                if cells > 65_536 * 256 {
                    return Err(expands("trang tính khai báo quá nhiều ô"));
                }
            }
            // String: the value of the formula just before, at its position.
            0x0207 => cells.add(formula_row, formula_col, formula_col)?,
            _ => {
                if let Some((row, c0, c1)) = cell_span(typ, data) {
                    if typ == 0x0006 {
                        (formula_row, formula_col) = (row, c0);
                    }
                    cells.add(row, c0, c1)?;
                }
            }
        }
    }
    Ok(())
}

/// Check an .ods content.xml for repeat counts that would expand into too
/// many cells: calamine materialises repeated non-empty cells and rows, each
/// copy with its own copy of the cell's text and formula. The text a copy
/// takes is bounded by the cell's markup (its content, and the whole tag when
/// a value or formula sits in an attribute); the copies beyond the first may
/// add at most [`MAX_TEXT_BYTES`].
pub(crate) fn check_ods_content(xml: &[u8]) -> Result<(), FileError> {
    let too_big = || expands("bảng tính khai báo quá nhiều ô lặp lại");
    let too_much_text = || expands("bảng tính lặp lại quá nhiều chữ");
    // Bytes the repeated copies add, over the whole file.
    let mut copied: u64 = 0;
    // The outermost open (not self-closing) cell: where its content starts,
    // its copies and the bytes its tag's attributes give each copy.
    let mut open_cell: Option<(usize, u64, u64)> = None;
    let mut cell_depth: u32 = 0;
    let mut i = 0;
    // Per table: rows spanned between the first and last non-empty row, and
    // the widest non-empty extent of a row.
    let mut row_index: u64 = 0;
    let mut first_row: Option<u64> = None;
    let mut width: u64 = 0;
    // Current row.
    let mut row_repeat: u64 = 1;
    let mut col: u64 = 0;
    let mut row_extent: u64 = 0;
    while let Some(off) = xml[i..].iter().position(|&b| b == b'<') {
        let start = i + off;
        let end = match xml[start..].iter().position(|&b| b == b'>') {
            Some(e) => start + e,
            None => break,
        };
        let tag = &xml[start + 1..end];
        i = end + 1;
        if tag.starts_with(b"table:table ") || tag == b"table:table" {
            row_index = 0;
            first_row = None;
            width = 0;
        } else if tag.starts_with(b"table:table-row") && !tag.starts_with(b"table:table-rows") {
            row_repeat = attr_number(tag, b"table:number-rows-repeated").unwrap_or(1);
            col = 0;
            row_extent = 0;
            if tag.ends_with(b"/") {
                row_index = row_index.saturating_add(row_repeat);
            }
        } else if tag == b"/table:table-row" {
            if row_extent > 0 {
                let first = *first_row.get_or_insert(row_index);
                let last = row_index.saturating_add(row_repeat);
                width = width.max(row_extent);
                if last.saturating_sub(first).saturating_mul(width) > MAX_SHEET_CELLS {
                    return Err(too_big());
                }
            }
            row_index = row_index.saturating_add(row_repeat);
        } else if tag.starts_with(b"table:table-cell")
            || tag.starts_with(b"table:covered-table-cell")
        {
            let repeat = attr_number(tag, b"table:number-columns-repeated").unwrap_or(1);
            col = col.saturating_add(repeat);
            let has_value = find(tag, b"office:value-type").is_some() || !tag.ends_with(b"/");
            if has_value {
                row_extent = col;
            }
            if col.saturating_mul(row_repeat) > MAX_SHEET_CELLS && has_value {
                return Err(too_big());
            }
            let copies = repeat.saturating_mul(row_repeat);
            let in_attrs = [
                &b"office:string-value"[..],
                b"office:date-value",
                b"office:time-value",
                b"table:formula",
            ]
            .iter()
            .any(|a| find(tag, a).is_some());
            let attr_bytes = if in_attrs { tag.len() as u64 } else { 0 };
            if tag.ends_with(b"/") {
                copied = copied.saturating_add(attr_bytes.saturating_mul(copies.saturating_sub(1)));
            } else {
                if cell_depth == 0 {
                    open_cell = Some((i, copies, attr_bytes));
                }
                cell_depth += 1;
            }
        } else if tag == b"/table:table-cell" || tag == b"/table:covered-table-cell" {
            cell_depth = cell_depth.saturating_sub(1);
            if cell_depth == 0 {
                if let Some((content_start, copies, attr_bytes)) = open_cell.take() {
                    let bytes = (start.saturating_sub(content_start) as u64) + attr_bytes;
                    copied = copied.saturating_add(bytes.saturating_mul(copies.saturating_sub(1)));
                }
            }
        }
        if copied > MAX_TEXT_BYTES {
            return Err(too_much_text());
        }
    }
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn attr_number(tag: &[u8], name: &[u8]) -> Option<u64> {
    let at = find(tag, name)? + name.len();
    let rest = &tag[at..];
    let rest = rest.strip_prefix(b"=")?;
    let quote = *rest.first()?;
    let digits: Vec<u8> = rest[1..]
        .iter()
        .take_while(|&&b| b != quote)
        .copied()
        .collect();
    let text = std::str::from_utf8(&digits).ok()?;
    // calamine parses these as usize: anything longer is an error there anyway.
    Some(text.trim().parse::<u64>().unwrap_or(u64::MAX))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ods_repeats() {
        let ok = br#"<table:table table:name="a"><table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        assert!(check_ods_content(ok).is_ok());
        let bomb = br#"<table:table table:name="a"><table:table-row table:number-rows-repeated="100000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1000"/></table:table-row></table:table>"#;
        assert!(check_ods_content(bomb).is_err());
        let wide = br#"<table:table table:name="a"><table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="99999999999"/></table:table-row></table:table>"#;
        assert!(check_ods_content(wide).is_err());
        let tall = br#"<table:table table:name="a"><table:table-row><table:table-cell office:value-type="string"/></table:table-row><table:table-row table:number-rows-repeated="9000000"/><table:table-row><table:table-cell table:number-columns-repeated="3"/><table:table-cell office:value-type="string"/></table:table-row></table:table>"#;
        assert!(check_ods_content(tall).is_err());
    }

    #[test]
    fn ods_repeated_text() {
        let long = "x".repeat(100_000);
        // 200 × 20 copies of 100 KB: refused before calamine makes them.
        let bomb = format!(
            r#"<table:table table:name="a"><table:table-row table:number-rows-repeated="20"><table:table-cell table:number-columns-repeated="200" office:value-type="string"><text:p>{long}</text:p></table:table-cell></table:table-row></table:table>"#
        );
        assert!(check_ods_content(bomb.as_bytes()).is_err());
        // The same text in an attribute.
        let attr = format!(
            r#"<table:table table:name="a"><table:table-row table:number-rows-repeated="20"><table:table-cell table:number-columns-repeated="200" office:value-type="string" office:string-value="{long}"/></table:table-row></table:table>"#
        );
        assert!(check_ods_content(attr.as_bytes()).is_err());
        // A short text repeated, or a long one once, is fine.
        let short = r#"<table:table table:name="a"><table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="50" office:value-type="string"><text:p>Kinh</text:p></table:table-cell></table:table-row></table:table>"#;
        assert!(check_ods_content(short.as_bytes()).is_ok());
        let once = format!(
            r#"<table:table table:name="a"><table:table-row><table:table-cell office:value-type="string"><text:p>{long}</text:p></table:table-cell></table:table-row></table:table>"#
        );
        assert!(check_ods_content(once.as_bytes()).is_ok());
    }

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend_from_slice(data);
        v
    }

    #[test]
    fn sst_strings_split_over_continue_records() {
        // Two strings: "ab" (compressed), then 5 characters of which 2 are in
        // the SST record (UTF-16) and 3 in a CONTINUE record (compressed,
        // after its flags byte), with 1 formatting run skipped after them.
        let mut sst = vec![0u8; 8];
        sst.extend([2, 0, 0, b'a', b'b']);
        sst.extend([5, 0, 0x09, 1, 0, b'c', 0, b'd', 0]);
        let cont: &[u8] = &[0x00, b'e', b'f', b'g', 0, 0, 0, 0];
        assert_eq!(sst_lengths(&[&sst, cont]), vec![12, 30]);
        // Characters missing: calamine fails, so nothing more counts.
        assert_eq!(sst_lengths(&[&sst]), vec![12]);
    }

    /// A BIFF stream with one shared string of `cch` characters and a sheet
    /// with `cells` cells pointing at it.
    fn sst_stream(cch: usize, cells: u16) -> Vec<u8> {
        let mut sst = vec![0u8; 8];
        sst.extend((cch as u16).to_le_bytes());
        sst.push(0);
        sst.extend(std::iter::repeat_n(b'x', cch));
        let globals = rec(0x00FC, &sst);
        let sheet_at = (globals.len() + 4 + 8 + 4) as u32;
        let mut bound = sheet_at.to_le_bytes().to_vec();
        bound.extend([0, 0, 0, 0]);
        let mut out = [globals, rec(0x0085, &bound), rec(0x000A, &[])].concat();
        assert_eq!(out.len(), sheet_at as usize);
        for row in 0..cells {
            let mut d = row.to_le_bytes().to_vec();
            d.extend([0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend(rec(0x00FD, &d));
        }
        out.extend(rec(0x000A, &[]));
        out
    }

    #[test]
    fn biff_shared_string_copies() {
        // 600 cells × 30,000 characters (up to 180 KB each): refused.
        assert!(check_biff(&sst_stream(30_000, 600)).is_err());
        // 100 such cells, or 60,000 cells of a short string: fine.
        assert!(check_biff(&sst_stream(30_000, 100)).is_ok());
        assert!(check_biff(&sst_stream(10, 60_000)).is_ok());
    }

    #[test]
    fn biff_dimensions_and_extents() {
        let rec = |typ: u16, data: &[u8]| {
            let mut v = typ.to_le_bytes().to_vec();
            v.extend((data.len() as u16).to_le_bytes());
            v.extend_from_slice(data);
            v
        };
        let mut dims = Vec::new();
        dims.extend(5u32.to_le_bytes());
        dims.extend(2u32.to_le_bytes()); // last row before first
        dims.extend([0, 0, 1, 0, 0, 0]);
        assert!(check_biff_sheet(&rec(0x0200, &dims)).is_err());
        let cell = |row: u16, col: u16| {
            let mut d = row.to_le_bytes().to_vec();
            d.extend(col.to_le_bytes());
            d.extend([0u8; 10]);
            rec(0x0203, &d)
        };
        let ok = [cell(0, 0), cell(10, 5)].concat();
        assert!(check_biff_sheet(&ok).is_ok());
        let unsorted = [cell(10, 0), cell(0, 5)].concat();
        assert!(check_biff_sheet(&unsorted).is_err());
        let wide = [cell(0, 0), cell(60000, 255)].concat();
        assert!(check_biff_sheet(&wide).is_err());
        // Formulas out of row order, values in order.
        let formula = |row: u16| {
            let mut d = row.to_le_bytes().to_vec();
            d.extend(0u16.to_le_bytes());
            d.extend([0u8; 18]);
            rec(0x0006, &d)
        };
        let mixed = [formula(20), cell(25, 0), formula(3), cell(30, 0)].concat();
        assert!(check_biff_sheet(&mixed).is_err());
    }
}
