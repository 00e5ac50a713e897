//! Recognising the header row: which column holds which field, in Chinese or English.

/// Where each field sits in a table. The first column with a matching header wins.
pub(super) struct Columns {
    pub(super) login: usize,
    pub(super) name: usize,
    pub(super) unit: usize,
    pub(super) roles: usize,
    pub(super) rank: Option<usize>,
    pub(super) email: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Login,
    Name,
    Unit,
    Roles,
    Rank,
    Email,
}

impl Columns {
    pub(super) fn find(headers: &[String]) -> Option<Columns> {
        let at = |field: Field| headers.iter().position(|h| field_of(h) == Some(field));
        Some(Columns {
            login: at(Field::Login)?,
            name: at(Field::Name)?,
            unit: at(Field::Unit)?,
            roles: at(Field::Roles)?,
            rank: at(Field::Rank),
            email: at(Field::Email),
        })
    }
}

fn field_of(header: &str) -> Option<Field> {
    Some(match header_key(header).as_str() {
        "登录名" | "登录账号" | "账号" | "帐号" | "用户名" | "login" | "login name"
        | "loginname" | "username" | "user name" | "account" => Field::Login,
        "姓名" | "名字" | "name" | "display name" | "displayname" | "full name" => Field::Name,
        "单位代码" | "单位编码" | "unit code" | "unitcode" => Field::Unit,
        "角色" | "role" | "roles" => Field::Roles,
        "职级类别" | "职级" | "rank" | "rank tag" | "ranktag" => Field::Rank,
        "电子邮箱" | "邮箱" | "电子邮件" | "email" | "e mail" | "email address" => {
            Field::Email
        }
        _ => return None,
    })
}

/// Normalises a header so the common decorations users add still match: "登录名*",
/// "角色（可多选）", " Login_Name ".
fn header_key(header: &str) -> String {
    let h = header.trim_start_matches('\u{feff}');
    let h = h.split(['(', '（']).next().unwrap_or("");
    let h = h.trim_matches(|c: char| c == '*' || c == '＊' || c.is_whitespace());
    h.to_lowercase()
        .split(|c: char| c == '_' || c == '-' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
