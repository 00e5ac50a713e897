//! Interface languages and every user-visible string in both of them.
//!
//! Strings are keys of one enum so a missing translation is a compile error, not a
//! blank on screen. Simplified Chinese is the default.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh-cn" | "zh" | "zh-hans" => Some(Lang::ZhCn),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a browser asks for in `Accept-Language`, if it is one we have.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .map(|part| part.split(';').next().unwrap_or("").trim())
            .find_map(|tag| {
                Lang::parse(tag).or_else(|| {
                    let primary = tag.split('-').next().unwrap_or("");
                    Lang::parse(primary)
                })
            })
    }
}

macro_rules! messages {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Msg { $($key),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::ZhCn) => $zh, (Msg::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

messages! {
    AppName => "examhall 考试平台", "examhall";
    Tagline => "闭卷、限时、机考的知识测试平台", "Closed-book, timed, computer-based knowledge tests";
    NavHome => "首页", "Home";
    NavUsers => "用户", "Users";
    NavUnits => "单位", "Units";
    NavImport => "导入用户", "Import users";
    NavAudit => "审计日志", "Audit log";
    NavAccount => "我的账户", "My account";
    NavLogout => "退出登录", "Sign out";
    NavMain => "主导航", "Main navigation";
    LangSwitch => "English", "中文";
    LangSwitchLabel => "切换语言", "Switch language";
    SkipToContent => "跳到正文", "Skip to content";

    LoginTitle => "登录", "Sign in";
    LoginName => "登录名", "Login name";
    Password => "密码", "Password";
    LoginButton => "登录", "Sign in";
    LoginFailed => "登录名或密码错误", "Wrong login name or password";
    SignedInAs => "当前用户", "Signed in as";

    ChangePasswordTitle => "修改密码", "Change password";
    ChangePasswordForced => "首次登录或密码已被重置，请先设置新密码。", "Your password was set by an administrator. Choose a new one to continue.";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    ConfirmPassword => "确认新密码", "Confirm new password";
    ChangePasswordButton => "修改密码", "Change password";
    PasswordChanged => "密码已修改", "Password changed";
    PasswordRules => "8 至 128 个字符，不能是常见密码。", "8 to 128 characters, not a common password.";

    RoleAdmin => "管理员", "Administrator";
    RoleOrganizer => "组织者", "Organizer";
    RoleCandidate => "考生", "Candidate";
    Roles => "角色", "Roles";

    HomeCandidateTitle => "我的考试", "My exams";
    HomeCandidateEmpty => "目前没有安排给您的考试。考试安排后会显示在这里。", "No exams are scheduled for you yet. They will appear here when they are.";
    HomeOrganizerTitle => "组织工作台", "Organizer desk";
    HomeOrganizerBody => "您负责的范围", "Your scope";
    HomeAdminTitle => "管理工作台", "Administration";
    StatUsers => "用户数", "Users";
    StatUnits => "单位数", "Units";
    StatActiveSessions => "在线会话", "Active sessions";

    UsersTitle => "用户管理", "Users";
    Search => "搜索", "Search";
    SearchUsersHint => "登录名或姓名", "Login or name";
    SearchUnitsHint => "单位名称或代码", "Unit name or code";
    FilterUnit => "单位", "Unit";
    FilterRole => "角色", "Role";
    FilterStatus => "状态", "Status";
    All => "全部", "All";
    Active => "正常", "Active";
    Disabled => "已停用", "Disabled";
    DisplayName => "姓名", "Name";
    Unit => "单位", "Unit";
    RankTag => "职级类别", "Rank";
    Status => "状态", "Status";
    Actions => "操作", "Actions";
    Edit => "编辑", "Edit";
    Save => "保存", "Save";
    Cancel => "取消", "Cancel";
    Create => "新建", "Create";
    Saved => "已保存", "Saved";
    NewUser => "新建用户", "New user";
    EditUser => "编辑用户", "Edit user";
    InitialPassword => "初始密码", "Initial password";
    InitialPasswordHint => "用户首次登录时必须修改。", "The user must change it at first sign-in.";
    ScopeUnit => "管理范围（单位）", "Managed scope (unit)";
    ScopeUnitHint => "组织者和管理员只能管理该单位及其下级；留空则为其所在单位。", "Organizers and admins manage this unit and its subunits; empty means their own unit.";
    Disable => "停用", "Disable";
    Enable => "启用", "Enable";
    ResetPassword => "重置密码", "Reset password";
    EndSessions => "强制下线", "End sessions";
    SessionsEnded => "已结束该用户的全部会话", "All of the user's sessions were ended";
    PasswordResetDone => "密码已重置，用户下次登录时须修改", "Password reset; the user must change it at next sign-in";
    Previous => "上一页", "Previous";
    Next => "下一页", "Next";
    PageOf => "第 {p} / {n} 页，共 {t} 条", "Page {p} of {n}, {t} in total";
    Pagination => "分页", "Pagination";
    NoResults => "没有符合条件的记录", "Nothing matches";
    Yes => "是", "Yes";
    No => "否", "No";

    UnitsTitle => "单位管理", "Units";
    NewUnit => "新建单位", "New unit";
    EditUnit => "编辑单位", "Edit unit";
    UnitCode => "单位代码", "Unit code";
    UnitName => "单位名称", "Unit name";
    ParentUnit => "上级单位", "Parent unit";
    NoParent => "（无，顶级单位）", "(none, top level)";
    Delete => "删除", "Delete";
    Deleted => "已删除", "Deleted";
    Members => "人数", "Members";

    ImportTitle => "批量导入用户", "Import users";
    ImportIntro => "上传 Excel（.xlsx）或 CSV 文件（UTF-8、带 BOM 的 UTF-8 或 GBK 编码均可）。先预览，确认无误后再导入。", "Upload an Excel (.xlsx) or CSV file (UTF-8, UTF-8 with BOM, or GBK). You will see a preview before anything is saved.";
    DownloadTemplateXlsx => "下载 Excel 模板", "Download the Excel template";
    DownloadTemplateCsv => "下载 CSV 模板", "Download the CSV template";
    ImportFile => "用户文件", "User file";
    ImportInitialPassword => "导入用户的初始密码", "Initial password for imported users";
    Upload => "上传并预览", "Upload and preview";
    Processing => "正在处理，请稍候…", "Processing, please wait…";
    PreviewTitle => "导入预览", "Import preview";
    PreviewGood => "可导入的行数", "Rows ready to import";
    PreviewBad => "有问题的行数", "Rows with problems";
    PreviewErrors => "问题清单", "Problems";
    Row => "行号", "Row";
    Column => "列", "Column";
    Reason => "原因", "Reason";
    CommitImport => "导入 {n} 个有效行", "Import {n} good rows";
    ImportDone => "已导入 {n} 个用户", "{n} users imported";
    ImportAlreadyCommitted => "该批次已经导入", "This batch was already imported";
    ImportNothingToCommit => "没有可导入的行", "There are no good rows to import";
    RowMissingField => "必填项为空", "Required field is empty";
    RowDuplicateLogin => "登录名已存在", "Login name already exists";
    RowDuplicateInFile => "登录名在文件中重复", "Login name appears twice in the file";
    RowUnknownUnit => "单位代码不存在", "Unknown unit code";
    RowUnitOutOfScope => "单位不在您的管理范围内", "Unit is outside your scope";
    RowInvalidRole => "角色无效（可填：考生、组织者、管理员）", "Invalid role (use: candidate, organizer, admin)";
    RowInvalidLogin => "登录名格式无效", "Invalid login name";
    RowTooLong => "内容过长", "Value too long";

    AuditTitle => "审计日志", "Audit log";
    AuditTime => "时间", "Time";
    AuditActor => "操作人", "Actor";
    AuditAction => "操作", "Action";
    AuditTarget => "对象", "Target";
    AuditDetail => "详情", "Detail";
    AuditClient => "客户端地址", "Client address";
    FilterAction => "操作类型", "Action";
    FilterActor => "操作人", "Actor";
    Filter => "筛选", "Filter";

    ErrUnauthenticated => "请先登录", "Please sign in";
    ErrForbidden => "您没有权限执行此操作", "You are not allowed to do this";
    ErrNotFound => "找不到该记录", "Not found";
    ErrDuplicate => "已存在相同的记录", "A record with the same value already exists";
    ErrDuplicateLogin => "该登录名已被使用", "This login name is already taken";
    ErrDuplicateUnitCode => "该单位代码已被使用", "This unit code is already taken";
    ErrThrottled => "尝试次数过多，请 {n} 秒后再试", "Too many attempts, try again in {n} seconds";
    ErrPasswordChangeRequired => "请先修改密码", "Please change your password first";
    ErrInternal => "服务器内部错误，请稍后重试", "Something went wrong on the server, please try again";
    ErrTransport => "无法连接服务器，请检查网络后重试", "Could not reach the server, check the connection and retry";
    ErrBadRequest => "请求内容无效", "The request was not valid";
    ErrRequired => "此项必填", "This field is required";
    ErrPasswordTooShort => "密码至少 8 个字符", "The password needs at least 8 characters";
    ErrPasswordTooLong => "密码最多 128 个字符", "The password can have at most 128 characters";
    ErrPasswordCommon => "这个密码太常见，请换一个", "This password is too common, choose another";
    ErrPasswordMismatch => "两次输入的新密码不一致", "The new passwords do not match";
    ErrPasswordSame => "新密码不能与当前密码相同", "The new password must differ from the current one";
    ErrWrongCurrentPassword => "当前密码不正确", "The current password is wrong";
    ErrLoginFormat => "登录名须为 2 至 64 个字符，可含字母、数字、汉字及 . _ -", "Login names have 2 to 64 letters, digits, Chinese characters or . _ -";
    ErrTooLong => "内容过长", "Too long";
    ErrNoRole => "至少选择一个角色", "Choose at least one role";
    ErrUnitCycle => "不能把单位移到它自己或它的下级单位之下", "A unit cannot be moved under itself or one of its subunits";
    ErrUnitHasMembers => "该单位仍有成员，请先把成员调到其他单位", "This unit still has members; move them to another unit first";
    ErrUnitHasChildren => "该单位仍有下级单位，请先移走或删除下级单位", "This unit still has subunits; move or delete them first";
    ErrUnitOutOfScope => "该单位不在您的管理范围内", "This unit is outside your scope";
    ErrCannotDisableSelf => "不能停用自己的账户", "You cannot disable your own account";
    ErrCannotRemoveOwnAdmin => "不能取消自己的管理员角色", "You cannot remove your own administrator role";
    ErrFileTooLarge => "文件过大", "The file is too large";
    ErrFileFormat => "无法识别的文件格式，请上传 .xlsx 或 .csv 文件", "Unrecognised file; upload a .xlsx or .csv file";
    ErrFileUnreadable => "文件已损坏或无法读取", "The file is damaged or cannot be read";
    ErrFileNoHeader => "找不到表头（登录名、姓名、单位代码、角色）", "No header row found (login, name, unit code, roles)";
    ErrFileEmpty => "文件中没有数据行", "The file has no data rows";
    ErrCrossOrigin => "请求来源无效", "The request came from another site";
    NotFoundPage => "页面不存在", "Page not found";
    Loading => "加载中…", "Loading…";
    BackToList => "返回列表", "Back to the list";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_text_in_both_languages() {
        for m in Msg::ALL {
            assert!(
                !m.text(Lang::ZhCn).trim().is_empty(),
                "{m:?} has no Chinese text"
            );
            assert!(
                !m.text(Lang::En).trim().is_empty(),
                "{m:?} has no English text"
            );
        }
    }

    #[test]
    fn chinese_texts_are_not_left_in_english() {
        let untranslated: Vec<_> = Msg::ALL
            .iter()
            .filter(|m| **m != Msg::LangSwitch && **m != Msg::AppName)
            .filter(|m| m.text(Lang::ZhCn) == m.text(Lang::En))
            .collect();
        assert!(
            untranslated.is_empty(),
            "same text in both languages: {untranslated:?}"
        );
    }

    #[test]
    fn accept_language_prefers_the_first_supported_tag() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("fr, zh-CN;q=0.8"),
            Some(Lang::ZhCn)
        );
        assert_eq!(Lang::from_accept_language("fr"), None);
    }
}
