//! Validating parsed rows against the units, the existing logins and the importer's scope.

use super::*;

/// Checks every row and reports every problem found, several per row if need be. Rows
/// without problems come back as [`ImportRow`]s with the login normalised and the unit
/// code as the unit tree spells it.
pub fn validate(
    table: &Table,
    units: &[UnitRow],
    existing_logins: &[String],
    scope_path: &str,
) -> Result<(Vec<ImportRow>, Vec<RowError>), Msg> {
    let cols = Columns::find(&table.headers).ok_or(Msg::ErrFileNoHeader)?;
    let data: Vec<(u32, &[String])> = table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, cells)| (table.row_number(i), cells.as_slice()))
        .collect();
    if data.is_empty() {
        return Err(Msg::ErrFileEmpty);
    }
    if data.len() > MAX_DATA_ROWS {
        return Err(Msg::ErrFileTooLarge);
    }

    let units = UnitIndex::new(units);
    let existing: HashSet<String> = existing_logins
        .iter()
        .map(|l| l.trim().to_lowercase())
        .collect();
    let mut seen: HashSet<String> = HashSet::with_capacity(data.len());
    let column_name = |i: usize| table.headers.get(i).map_or("", |h| h.trim()).to_owned();

    let mut good = Vec::new();
    let mut errors = Vec::new();
    for (row, cells) in data {
        let cell = |i: usize| cells.get(i).map_or("", String::as_str);
        let before = errors.len();
        let mut fail = |col: usize, reason: Msg| {
            errors.push(RowError {
                row,
                column: column_name(col),
                reason,
            })
        };

        let raw_login = cell(cols.login).trim();
        let login = if raw_login.chars().count() > LOGIN_MAX_CHARS {
            fail(cols.login, Msg::RowTooLong);
            None
        } else {
            normalize_login(raw_login)
                .map_err(|m| fail(cols.login, row_reason(m)))
                .ok()
        };
        if let Some(login) = &login {
            if existing.contains(login) {
                fail(cols.login, Msg::RowDuplicateLogin);
            }
            // The first occurrence is the one kept; later ones are the duplicates.
            if !seen.insert(login.clone()) {
                fail(cols.login, Msg::RowDuplicateInFile);
            }
        }

        let name = required_text(cell(cols.name), NAME_MAX_CHARS)
            .map_err(|m| fail(cols.name, row_reason(m)))
            .ok();

        let unit_code = match required_text(cell(cols.unit), CODE_MAX_CHARS) {
            Err(m) => {
                fail(cols.unit, row_reason(m));
                None
            }
            Ok(code) => match units.get(&code) {
                None => {
                    fail(cols.unit, Msg::RowUnknownUnit);
                    None
                }
                Some(unit) if !within_scope(&unit.path, scope_path) => {
                    fail(cols.unit, Msg::RowUnitOutOfScope);
                    None
                }
                Some(unit) => Some(unit.code.clone()),
            },
        };

        let roles = parse_roles(cell(cols.roles))
            .map_err(|m| fail(cols.roles, row_reason(m)))
            .ok();

        let rank_tag = match cols.rank {
            Some(col) => optional_text(cell(col), NAME_MAX_CHARS)
                .map_err(|m| fail(col, row_reason(m)))
                .ok(),
            None => Some(None),
        };

        let email = match cols.email {
            Some(col) => optional_email(cell(col)).map_err(|m| fail(col, m)).ok(),
            None => Some(None),
        };

        if errors.len() > before {
            continue;
        }
        if let (
            Some(login),
            Some(display_name),
            Some(unit_code),
            Some(roles),
            Some(rank_tag),
            Some(email),
        ) = (login, name, unit_code, roles, rank_tag, email)
        {
            good.push(ImportRow {
                row,
                login,
                display_name,
                unit_code,
                roles,
                rank_tag,
                email,
            });
        }
    }
    Ok((good, errors))
}

/// The field-level messages of the domain rules, as row-level reasons.
fn row_reason(m: Msg) -> Msg {
    match m {
        Msg::ErrRequired => Msg::RowMissingField,
        Msg::ErrTooLong => Msg::RowTooLong,
        Msg::ErrLoginFormat => Msg::RowInvalidLogin,
        other => other,
    }
}

/// Units by code: exact first, then ignoring case when that is unambiguous, since "bj01"
/// and "BJ01" are the same code to whoever typed it.
struct UnitIndex<'a> {
    exact: HashMap<&'a str, &'a UnitRow>,
    folded: HashMap<String, Option<&'a UnitRow>>,
}

impl<'a> UnitIndex<'a> {
    fn new(units: &'a [UnitRow]) -> Self {
        let mut exact = HashMap::with_capacity(units.len());
        let mut folded: HashMap<String, Option<&UnitRow>> = HashMap::with_capacity(units.len());
        for unit in units {
            exact.entry(unit.code.as_str()).or_insert(unit);
            folded
                .entry(unit.code.to_lowercase())
                .and_modify(|u| *u = None)
                .or_insert(Some(unit));
        }
        UnitIndex { exact, folded }
    }

    fn get(&self, code: &str) -> Option<&'a UnitRow> {
        self.exact
            .get(code)
            .copied()
            .or_else(|| self.folded.get(&code.to_lowercase()).copied().flatten())
    }
}
