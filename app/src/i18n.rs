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
    RoleInterviewer => "约谈人", "Interviewer";
    Roles => "角色", "Roles";

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
    UserEmail => "电子邮箱", "Email";
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
    ErrEmailInvalid => "请输入有效的电子邮箱地址", "Enter a valid email address";
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

    // Question bank.
    QtSingle => "单选题", "Single choice";
    QtMultiple => "多选题", "Multiple choice";
    QtTrueFalse => "判断题", "True/false";
    QtFillBlank => "填空题", "Fill in the blank";
    QsDraft => "草稿", "Draft";
    QsActive => "启用", "Active";
    QsRetired => "停用", "Retired";
    ErrStemRequired => "题干不能为空", "The stem is required";
    ErrDifficultyRange => "难度须为 1–5", "Difficulty must be 1–5";
    ErrPointsInvalid => "分值须大于 0、不超过 1000，最多两位小数", "Points must be above 0 and at most 1000, with up to two decimals";
    ErrOptionCount => "选项须为 2–8 个", "A choice question needs 2–8 options";
    ErrOptionEmpty => "选项不能为空", "Options cannot be empty";
    ErrOptionDuplicate => "选项重复", "Two options are the same";
    ErrAnswerRequired => "请给出正确答案", "Give the correct answer";
    ErrAnswerOutOfRange => "答案不在选项范围内", "The answer names an option that does not exist";
    ErrSingleOneAnswer => "单选题只能有一个正确答案", "A single-choice question has exactly one correct answer";
    ErrMultipleTwoAnswers => "多选题至少要有两个正确答案", "A multiple-choice question needs at least two correct answers";
    ErrKeyMismatch => "答案形式与题型不符", "The answer does not fit the question type";
    ErrBlankRequired => "填空题至少要有一个空", "A fill-in question needs at least one blank";
    ErrTooManyBlanks => "空的数量过多", "Too many blanks";
    ErrBlankAnswerEmpty => "每个空至少要有一个参考答案", "Every blank needs at least one accepted answer";
    ErrTooManyTags => "标签过多", "Too many tags";
    ErrCategoryTooDeep => "分类层级过深", "The category path is too deep";
    ErrAnswerLetters => "答案请填写选项字母，如 A 或 AC", "Write the answer as option letters, e.g. A or AC";
    ErrAnswerTruth => "判断题答案请填写“正确”或“错误”", "Write the answer of a true/false question as 正确 (true) or 错误 (false)";
    ErrDuplicateQuestion => "题库中已有相同的题目（题型和题干相同）", "The bank already has this question (same type and stem)";
    ErrNothingSelected => "请先选择题目", "Select at least one question";
    ErrTooMany => "一次选择的数量过多", "Too many selected at once";
    ErrImageTooLarge => "图片不能超过 2 MB", "Images must be at most 2 MB";
    ErrImageType => "只支持 PNG、JPEG、GIF、WebP 图片", "Only PNG, JPEG, GIF and WebP images are supported";
    LocRow => "第 {n} 行", "row {n}";
    LocLine => "第 {n} 行起", "from line {n}";
    LocQuestion => "第 {n} 题", "question {n}";

    // Question import and export.
    ErrQuestionFileFormat => "无法识别的文件格式，请上传 Excel（.xlsx）、CSV、Moodle XML（.xml）或 GIFT（.gift、.txt）文件", "Unrecognised file; upload an Excel (.xlsx), CSV, Moodle XML (.xml) or GIFT (.gift, .txt) file";
    ErrQuestionFileNoHeader => "找不到表头（至少需要“题型”“题干”“答案”三列）", "No header row found (the 题型, 题干 and 答案 columns are required)";
    ErrNoQuestions => "文件中没有题目", "The file has no questions";
    ErrTooManyQuestions => "一个文件最多包含 20000 道题", "A file can hold at most 20,000 questions";
    ErrFileEncoding => "无法识别文件的文字编码，请另存为 UTF-8 后重试", "The file's text encoding is not recognised; save it as UTF-8 and try again";
    ErrXmlInvalid => "文件不是有效的 XML，或不是 Moodle XML 题目文件", "The file is not valid XML, or not a Moodle XML question file";
    ErrXmlDoctype => "出于安全考虑，不接受含 DOCTYPE 声明的 XML 文件", "For safety, XML files with a DOCTYPE declaration are refused";
    ErrQuestionTypeUnknown => "题型须为单选、多选、判断或填空", "The type must be 单选, 多选, 判断 or 填空 (single, multiple, true_false, fill_blank)";
    ErrYesNo => "请填写“是”或“否”", "Write 是 (yes) or 否 (no)";
    ErrGiftBraces => "答案部分的花括号 { } 不成对", "The braces { } around the answers do not match";
    SkipEssay => "问答题无法自动判分，暂不支持", "Essay questions cannot be graded automatically and are not supported";
    SkipMatching => "不支持匹配题", "Matching questions are not supported";
    SkipNumerical => "不支持数值题和计算题", "Numerical and calculated questions are not supported";
    SkipDescription => "只有说明文字，没有答案，不是题目", "Text without answers is a description, not a question";
    SkipWildcard => "简答题的参考答案含通配符 *，无法按原意判分", "A short answer uses the * wildcard, which cannot be graded as intended";
    SkipUnsupportedType => "不支持该题型", "This question type is not supported";

    // Question bank UI.
    NavBanks => "题库", "Question banks";
    BanksTitle => "题库管理", "Question banks";
    BankName => "题库名称", "Bank name";
    BankOwner => "所属单位", "Owner unit";
    BankQuestionCount => "题目数", "Questions";
    BankSharedWith => "共享给", "Shared with";
    BankAccess => "权限", "Access";
    BankEditable => "可编辑", "Editable";
    BankReadOnlyShared => "只读共享", "Shared, read-only";
    NewBank => "新建题库", "New bank";
    NoBanks => "还没有可用的题库。", "There are no question banks yet.";
    BackToBanks => "返回题库列表", "Back to the banks";
    BankSettings => "题库设置", "Bank settings";
    BankShares => "共享给以下单位（单位代码）", "Share with units (unit codes)";
    BankSharesHint => "多个单位代码用逗号或空格分隔；这些单位及其下级单位可以只读使用本题库。留空表示不共享。", "Separate unit codes with commas or spaces; those units and their subunits may use the bank read-only. Leave empty to share with nobody.";
    NotShared => "未共享", "Not shared";
    ReadOnlyBankNotice => "这是其他单位共享给您的题库，只能查看和使用，不能修改。", "Another unit shares this bank with you: you can view and use it, not change it.";
    Categories => "分类", "Categories";
    CategoryPath => "分类路径", "Category path";
    CategoryPathHint => "用 / 分隔层级，如：党章党规/廉洁自律准则；缺少的上级分类会自动创建。", "Separate levels with /, e.g. Party rules/Integrity; missing parent categories are created too.";
    NewCategory => "新建分类", "Add category";
    NoCategories => "还没有分类。", "No categories yet.";
    CategoryCount => "{n} 题", "{n} questions";
    QuestionsTitle => "题目", "Questions";
    FilterText => "题干包含", "Stem contains";
    FilterCategory => "分类", "Category";
    FilterType => "题型", "Type";
    FilterDifficulty => "难度", "Difficulty";
    FilterTag => "标签", "Tag";
    SortBy => "排序", "Sort by";
    SortUpdatedDesc => "最近修改在前", "Recently changed first";
    SortUpdatedAsc => "最早修改在前", "Least recently changed first";
    SortDifficultyAsc => "难度从低到高", "Easiest first";
    SortDifficultyDesc => "难度从高到低", "Hardest first";
    SortStem => "按题干排序", "By stem";
    ColSelect => "选择", "Select";
    ColStem => "题干", "Stem";
    ColType => "题型", "Type";
    ColCategory => "分类", "Category";
    ColDifficulty => "难度", "Difficulty";
    ColTags => "标签", "Tags";
    ColPoints => "分值", "Points";
    ColVersion => "版本", "Version";
    ColUpdated => "修改时间", "Changed";
    SelectQuestion => "选择此题", "Select this question";
    SelectAllOnPage => "全选本页", "Select all on this page";
    BulkTitle => "批量操作所选题目", "Change the selected questions";
    BulkActionLabel => "操作", "Action";
    BulkRetire => "停用", "Retire";
    BulkActivate => "启用", "Activate";
    BulkDraft => "设为草稿", "Set to draft";
    BulkMove => "移动到分类", "Move to a category";
    BulkAddTag => "添加标签", "Add a tag";
    BulkTargetCategory => "目标分类（用于移动）", "Target category (for moving)";
    BulkTag => "标签（用于添加标签）", "Tag (for adding a tag)";
    BulkApply => "应用到所选题目", "Apply to the selected questions";
    BulkDone => "已处理 {n} 道题", "{n} questions changed";
    ExportXlsx => "导出 Excel", "Export to Excel";
    ExportMoodleXml => "导出 Moodle XML", "Export to Moodle XML";
    ExportHint => "导出当前筛选条件下的全部题目（含答案）。", "Exports every question that matches the current filters, answers included.";
    NewQuestion => "新建题目", "New question";
    EditQuestion => "编辑题目", "Edit question";
    ViewQuestion => "查看题目", "View question";
    ImportQuestions => "导入题目", "Import questions";
    QuestionTypeLabel => "题型", "Question type";
    QuestionStemLabel => "题干", "Stem";
    QuestionOptionsLabel => "选项", "Options";
    QuestionOptionsHint => "每行一个选项，依次为 A、B、C…（2–8 个）。判断题和填空题不用填。", "One option per line, in the order A, B, C… (2–8 options). Not used by true/false and fill-in questions.";
    QuestionAnswerLabel => "答案", "Answer";
    QuestionAnswerHint => "单选、多选题填选项字母，如 B 或 ACD；判断题填“正确”或“错误”；填空题的多个空用 | 分隔，同一个空的多个可接受答案用 / 分隔，如：民主集中制|党员/党的成员。", "Choice questions: option letters, e.g. B or ACD. True/false: 正确 (true) or 错误 (false). Fill-in: separate blanks with | and a blank's accepted answers with /, e.g. answer one|answer two/other form.";
    BlankRulesLabel => "填空题判分方式", "Fill-in matching";
    FoldWidthLabel => "全角、半角字符视为相同（如 Ａ１ 与 A1）", "Full- and half-width forms count as equal (Ａ１ = A1)";
    CaseInsensitiveLabel => "不区分英文大小写", "Ignore letter case";
    QuestionExplanationLabel => "解析", "Explanation";
    QuestionCategoryLabel => "分类", "Category";
    QuestionCategoryHint => "用 / 分隔层级；可选已有分类，也可填写新分类；留空为未分类。", "Separate levels with /; pick an existing category or type a new one; empty means uncategorised.";
    QuestionDifficultyLabel => "难度", "Difficulty";
    QuestionDifficultyHint => "1 最容易，5 最难。", "1 is the easiest, 5 the hardest.";
    QuestionTagsLabel => "标签", "Tags";
    QuestionTagsHint => "多个标签用逗号或顿号分隔，最多 10 个。", "Separate tags with commas; at most 10.";
    QuestionPointsLabel => "分值", "Points";
    QuestionPointsHint => "大于 0，最多两位小数，如 2 或 2.5。", "Above 0, up to two decimals, e.g. 2 or 2.5.";
    QuestionStatusLabel => "状态", "Status";
    QuestionImageLabel => "题干图片（可选）", "Stem image (optional)";
    QuestionImageHint => "PNG、JPEG、GIF 或 WebP，不超过 2 MB。上传时已填写的内容会保留，保存题目后图片才生效。", "PNG, JPEG, GIF or WebP, at most 2 MB. What you have typed is kept while uploading; the image counts once the question is saved.";
    ImageFileLabel => "选择图片文件", "Image file";
    UploadImage => "上传图片", "Upload image";
    UseImage => "使用此图片（取消勾选即移除）", "Use this image (untick to remove it)";
    ImageAlt => "题干图片", "Stem image";
    ImageUploaded => "图片已上传，保存题目后生效。", "Image uploaded; it counts once the question is saved.";
    ErrNoImageChosen => "请先选择要上传的图片文件", "Choose an image file first";
    VersionNo => "第 {n} 版", "Version {n}";
    InUseNotice => "此题已被试卷使用，保存将生成新版本", "This question is used by a paper; saving creates a new version";
    VersionHistory => "版本历史", "Version history";
    FirstVersion => "首个版本", "First version";
    DiffLegend => "与上一版本相比：以 + 和绿色标出的是新增内容，以 − 和红色删除线标出的是删除内容。", "Compared with the previous version: lines marked + in green were added, lines marked − in struck-through red were removed.";
    DiffAddedSr => "新增：", "Added: ";
    DiffRemovedSr => "删除：", "Removed: ";
    DiffNoChange => "内容与上一版本相同", "Same content as the previous version";
    ReadOnlyQuestion => "此题所在题库为只读共享，您只能查看。", "This question's bank is shared read-only; you can only view it.";
    QuestionImportTitle => "导入题目", "Import questions";
    QuestionImportIntro => "支持 Excel（.xlsx、.xls）、CSV、Moodle XML（.xml）和 GIFT（.gift、.txt）文件，最大 10 MB。先预览，确认无误后再导入。", "Excel (.xlsx, .xls), CSV, Moodle XML (.xml) and GIFT (.gift, .txt) files of up to 10 MB. You will see a preview before anything is saved.";
    QuestionFileLabel => "题目文件", "Question file";
    QuestionImportPreviewTitle => "题目导入预览", "Question import preview";
    ImportStatusNew => "新题目", "New";
    ImportStatusDuplicate => "重复", "Duplicate";
    ImportStatusInvalid => "有错误", "Invalid";
    ImportStatusSkipped => "已跳过（不支持的题型）", "Skipped (unsupported type)";
    ImportItemsTitle => "条目明细", "Items";
    ImportItemsHint => "列出全部有错误、已跳过和重复的条目，以及前 20 道新题目作为示例。", "Every invalid, skipped and duplicate item is listed, with the first 20 new questions as a sample.";
    ImportLocation => "位置", "Location";
    ImportProblems => "问题", "Problems";
    ImportDuplicateOfExisting => "与题库中已有题目重复", "Same as a question already in the bank";
    ImportDuplicateInFile => "与文件中前面的题目重复，只导入一次", "Repeats an earlier question of the file; imported once";
    ViewExisting => "查看已有题目", "View the existing question";
    DuplicatePolicyLabel => "遇到题库中已有的相同题目时", "When the bank already has the same question";
    DuplicateSkip => "跳过，保留已有题目", "Skip it and keep the existing one";
    DuplicateOverwrite => "用文件中的内容覆盖（已被试卷使用的题目会生成新版本）", "Overwrite it with the file's content (a question used by a paper gets a new version)";
    CommitQuestionImport => "确认导入", "Import now";
    QuestionImportDone => "导入完成：新增 {c} 道，覆盖 {o} 道，跳过 {s} 道。", "Import finished: {c} added, {o} overwritten, {s} skipped.";
    QuestionImportNothing => "文件中没有可导入的题目", "The file has no question that can be imported";
    BackToBank => "返回题库", "Back to the bank";

    // Papers.
    ErrDurationRange => "考试时长须为 1–1440 分钟", "The duration must be 1–1440 minutes";
    ErrPassPercentRange => "及格线须为总分的 1%–100%", "The pass mark must be 1–100% of the total";
    ErrPassPointsZero => "及格分须大于 0", "The pass mark must be above 0";
    ErrRetakeCountRange => "补考次数不能超过 10 次", "At most 10 retakes are allowed";
    ErrCaseDueRange => "约谈期限须为 1–365 天", "The interview deadline must be 1–365 days";
    ErrUnitEscalationRange => "单位约谈数量不能超过 100", "At most 100 units can be escalated";
    ErrUnitMinRange => "最少考生人数须为 1–10000", "The minimum number of candidates must be 1–10,000";
    ErrRetakeWaitRange => "补考间隔不能超过 365 天", "The wait before a retake can be at most 365 days";
    ErrPaperEmpty => "试卷中还没有题目，请添加固定题目或抽题规则", "The paper has no questions yet; add fixed questions or draw rules";
    ErrFixedNotInPool => "该题目不是本题库中已启用的题目", "This question is not an active question of the bank";
    ErrFixedRepeated => "同一道题目在试卷中出现了多次", "The same question appears more than once in the paper";
    ErrRuleCountRange => "每条抽题规则须抽取 1–500 道题", "A draw rule draws 1–500 questions";
    ErrShortfall => "题库中符合条件的题目数量不足", "The bank has too few matching questions";
    DiffType => "题型：", "Type: ";
    DiffStem => "题干：", "Stem: ";
    DiffOption => "选项 {letter}：", "Option {letter}: ";
    DiffAnswer => "答案：", "Answer: ";
    DiffBlankRule => "填空判分：", "Blank matching: ";
    DiffExactMatch => "须完全一致", "exact";
    DiffFoldWidth => "全角半角视为相同", "full- and half-width forms count as equal";
    DiffCaseInsensitive => "不区分大小写", "letter case ignored";
    DiffExplanation => "解析：", "Explanation: ";
    DiffCategory => "分类：", "Category: ";
    DiffDifficulty => "难度：", "Difficulty: ";
    DiffTags => "标签：", "Tags: ";
    DiffPoints => "分值：", "Points: ";
    DiffImage => "图片：", "Image: ";
    DiffNone => "（无）", "(none)";
    DiffUncategorised => "未分类", "Uncategorised";
    DiffListSep => "、", ", ";
    DiffTrue => "正确", "True";
    DiffFalse => "错误", "False";
    ErrNotANumber => "请输入整数", "Enter a whole number";
    AnyCategory => "全部分类", "Any category";
    AnyDifficulty => "任意难度", "Any difficulty";
    DifficultyN => "难度{n}", "difficulty {n}";
    ShortfallLine => "{cat} / {type} / {diff}：需要 {need} 题，题库只有 {have} 题", "{cat} / {type} / {diff}: need {need}, have {have}";

    // Exams and sittings UI.
    NavExams => "考试", "Exams";
    NavSittings => "场次", "Sittings";
    ExamsTitle => "考试管理", "Exams";
    NoExams => "还没有考试。", "There are no exams yet.";
    NewExam => "新建考试", "New exam";
    ExamTitleLabel => "考试名称", "Exam title";
    ExamBank => "题库", "Question bank";
    ExamTotalPoints => "总分", "Total points";
    ExamDurationMinutes => "考试时长（分钟）", "Duration (minutes)";
    SittingCount => "场次数", "Sittings";
    BackToExams => "返回考试列表", "Back to the exams";
    BackToExam => "返回考试编辑", "Back to the exam";
    ExamNotEditable => "此考试目前不能修改。", "This exam cannot be changed at the moment.";
    PreviewPaper => "预览试卷", "Preview the paper";
    ExamSettingsTitle => "考试设置", "Exam settings";
    ExamInstructions => "考试说明", "Instructions";
    ExamInstructionsHint => "考生开考前会看到这段说明，可留空。", "Candidates read this before they start; may be left empty.";
    PassMarkLabel => "及格线", "Pass mark";
    PassByPercent => "按总分的百分比", "As a percentage of the total";
    PassByPoints => "按分数", "As points";
    PassValue => "及格线数值", "Pass mark value";
    PassValueHint => "百分比填 1–100 的整数，如 60；分数最多两位小数，如 72.5。", "A percentage is a whole number 1–100, e.g. 60; points have up to two decimals, e.g. 72.5.";
    ShuffleLabel => "乱序", "Shuffling";
    ShuffleQuestions => "打乱题目顺序（每个部分内）", "Shuffle the questions (within each section)";
    ShuffleOptions => "打乱选项顺序", "Shuffle the options";
    ScoringLabel => "判分方式", "Scoring";
    MultiAllOrNothing => "多选题：全部选对才得分", "Multiple choice: points only for exactly the right options";
    MultiPartial => "多选题：少选按比例得分，错选不得分", "Multiple choice: partial points for some right options, none for any wrong one";
    FillPerBlank => "填空题按空给分（分值平均分到每个空）", "Fill-in questions score per blank (points split evenly)";
    ResultVisibilityLabel => "成绩公布", "Results shown to candidates";
    VisibilityImmediately => "交卷后立即公布", "Right after submitting";
    VisibilityAfterClose => "场次结束后公布", "After the sitting ends";
    VisibilityNever => "不公布", "Never";
    ReviewAfterClose => "场次结束后允许考生查看自己的答卷和答案", "Candidates may review their answers and the key after the sitting ends";
    RetakeLabel => "补考", "Retakes";
    RetakeCount => "补考次数", "Number of retakes";
    OutcomePassed => "通过", "Passed";
    OutcomeFailed => "未通过", "Failed";
    OutcomeAbsent => "缺考", "Absent";
    OutcomeVoided => "成绩作废", "Voided";
    VoidAttempt => "作废成绩", "Void the attempt";
    EventVoided => "成绩被作废", "Attempt voided";
    ChainPassedFirst => "首考通过", "Passed first time";
    ChainPassedOnRetake => "补考通过", "Passed on retake";
    ChainRetakeAssigned => "已安排补考", "Retake assigned";
    ChainAwaiting => "待安排补考场次", "Awaiting a retake sitting";
    ChainEscalated => "已转约谈", "Escalated to interview";
    ChainNoAction => "无需处理", "No action";
    ReportTitle => "考试报告", "Exam report";
    ReportCandidates => "应考人数", "Candidates";
    ReportStarted => "开考人数", "Started";
    ReportSubmitted => "交卷人数", "Submitted";
    ReportPassFirst => "首考通过率", "Pass rate, first sitting";
    ReportPassAfterRetakes => "补考后通过率", "Pass rate after retakes";
    ReportOpenRetakes => "待补考", "Retakes pending";
    ReportOpenCases => "未结约谈", "Open interview cases";
    ReportScores => "首考成绩", "First-sitting scores";
    ReportNoScores => "暂无成绩。", "No scores yet.";
    ReportMean => "平均分", "Mean";
    ReportMedian => "中位数", "Median";
    ReportStdDev => "标准差", "Standard deviation";
    ReportMin => "最低分", "Lowest";
    ReportMax => "最高分", "Highest";
    ReportHistogram => "成绩分布（人数/分数段）", "Score distribution (candidates per score range)";
    ReportBadNumber => "请输入不超过上限的非负整数。", "Enter a whole number within the limit.";
    ReportBadDate => "日期格式应为 年-月-日，例如 2026-11-29。", "Dates are year-month-day, e.g. 2026-11-29.";
    ReportBadRange => "结束日期不能早于开始日期。", "The end date cannot be before the start date.";
    NavReports => "统计报表", "Reports";
    ReportUnitsTitle => "单位统计与排名", "Units and ranking";
    ReportFrom => "开始日期", "From";
    ReportTo => "结束日期（含）", "To (inclusive)";
    ReportRankBy => "排名依据", "Rank by";
    ReportByPass => "首考通过率", "First-sitting pass rate";
    ReportByMean => "平均得分率", "Mean score (% of full marks)";
    ReportMinCandidates => "参与排名的最少人数", "Fewest candidates to be ranked";
    ReportBottomN => "标出末位单位数", "Bottom units to highlight";
    ReportApply => "查询", "Apply";
    ReportRank => "名次", "Rank";
    ReportUnit => "单位", "Unit";
    ReportDecided => "已出结果", "Decided";
    ReportPassed => "首考通过", "Passed first";
    ReportPassRate => "通过率", "Pass rate";
    ReportPassedAny => "补考后通过", "Passed after retakes";
    ReportMeanPercent => "平均得分率", "Mean score";
    ReportReason => "说明", "Reasons";
    ReportUnranked => "不排名", "Not ranked";
    ReportBottom => "末位", "Bottom";
    ReportWhole => "合计（含下级单位）", "Total (with sub-units)";
    ReportMembers => "本单位人员", "Members of this unit";
    ReportNoData => "所选范围内暂无数据。", "No results in this range.";
    ReportExportXlsx => "导出 Excel", "Export .xlsx";
    ReportExportCsv => "导出 CSV", "Export .csv";
    ReportAsOf => "数据更新于 {t}", "Figures as of {t}";
    ReportPending => "有新的结果正在汇总，稍后刷新即可看到。", "New results are being added; refresh shortly to see them.";
    ReportSittings => "场次", "Sittings";
    ReportIntegrity => "诊断事件", "Integrity events";
    ReportItemsLink => "题目分析", "Item analysis";
    ReportUnitsLink => "按单位查看", "By unit";
    ReportSittingTitle => "场次报告", "Sitting report";
    ReportRoster => "名单", "Roster";
    ReportStatus => "状态", "Status";
    SeatNotStarted => "未开始", "Not started";
    SeatInProgress => "作答中", "In progress";
    SeatSubmitted => "已交卷", "Submitted";
    SeatAbsent => "缺考", "Absent";
    SeatVoided => "已作废", "Voided";
    ReportScore => "分数", "Score";
    ReportPersonTitle => "个人档案", "Candidate history";
    ReportExams => "考试", "Exams";
    ReportAttempts => "作答记录", "Attempts";
    ReportCases => "约谈", "Interview cases";
    ReportYes => "是", "yes";
    ReportNo => "否", "no";
    ReportDate => "日期", "Date";
    ReportRetakeRounds => "补考次数", "Retakes";
    ReportRetake => "补考", "Retake";
    ReportItemsTitle => "题目分析", "Item analysis";
    ReportFacility => "难度（答对率）", "Facility";
    ReportDiscrimination => "区分度", "Discrimination";
    ReportPointBiserial => "点双列相关", "Point-biserial";
    ReportOptions => "选项分布（✓ 为正确选项）", "Options chosen (✓ correct)";
    ReportKr20 => "KR-20 信度", "KR-20 reliability";
    ReportKr20None => "不计算：考生题目不同（随机抽题）或人数太少。", "Not computed: candidates had different questions (drawn papers) or too few answered.";
    ReportFlagNegative => "负区分度：请核对答案", "Negative discrimination: check the key";
    ReportFlagEasy => "过易", "Too easy";
    ReportFlagHard => "过难", "Too hard";
    ReportQuestionLink => "查看题目", "Open question";
    ReportRegradeLink => "更正评分", "Regrade";
    ReportItemsNone => "暂无已评分的答卷。", "No graded papers yet.";
    ReportAnalysed => "分析答卷 {n} 份", "{n} papers analysed";
    ReportCandidatesCount => "人次", "Candidates";
    RetakesTitle => "补考与约谈", "Retakes and interviews";
    RetakesHint => "场次结束后，系统自动登记缺考、为未通过者安排补考，补考仍未通过者转为约谈。", "When a sitting closes, examhall marks absentees, assigns retakes to those who did not pass, and escalates those who fail the last retake to an interview.";
    RetakesQualified => "需补考人数", "Qualified for retake";
    RetakesClosedSittings => "已结束场次：{n}", "Closed sittings: {n}";
    RetakesSummary => "补考概况", "Retake summary";
    RetakesAwaitingHeading => "{n} 名考生等待补考场次", "{n} candidate(s) await a retake sitting";
    RetakesCreateHint => "为这些考生创建一个补考场次（时长为考试时长加 30 分钟），并为每人抽取新试卷。", "Create one retake sitting for them (the exam's duration plus 30 minutes) and draw each a fresh paper.";
    RetakesStartLabel => "补考开始时间（北京时间）", "Retake start (China Standard Time)";
    RetakesCreateButton => "为这些考生创建补考场次", "Create a retake sitting for these candidates";
    RetakesNone => "暂无结果：场次结束后在此显示。", "No results yet: they appear here once a sitting closes.";
    RetakesResults => "结果", "Results";
    RetakesSitting => "补考场次", "Retake sitting";
    RetakesNotBefore => "最早 {t}", "not before {t}";
    RetakesPaperWarning => "题库不足，补考卷含已考题目", "Bank too small: the retake paper repeats questions";
    MyRetakesTitle => "我的补考", "My retakes";
    MyRetakePlaced => "「{exam}」第 {n} 次补考：{sitting}，{when}，地点：{where}。", "Retake {n} of “{exam}”: {sitting}, {when}, at {where}.";
    MyRetakeAwaiting => "「{exam}」第 {n} 次补考：场次待定，确定后将通知您。", "Retake {n} of “{exam}”: the sitting is still to be scheduled; you will be told.";
    CaseStateOpen => "待约谈", "Open";
    CaseStateScheduled => "已安排", "Interview scheduled";
    CaseStateInterviewed => "已约谈", "Interviewed";
    CaseStateClosed => "已结案", "Closed";
    CaseOutcomeCleared => "无需进一步处理", "Cleared";
    CaseOutcomeRetraining => "参加培训", "Re-training";
    CaseOutcomeRetest => "重新测试", "Re-test";
    CaseOutcomeReferred => "移交处理", "Referred";
    CaseOutcomeWithdrawn => "已撤销（复核后通过）", "Withdrawn (passed after a regrade)";
    CaseReasonPerson => "{n} 次考试未通过或缺考，补考机会已用完", "Failed or missed {n} sitting(s) with no retake left";
    CaseReasonUnit => "倒数第 {rank} 名：通过率 {pct}%（{p}/{c}），缺考 {a} 人，约谈 {o} 人", "Bottom {rank}: pass rate {pct}% ({p}/{c}), {a} absent, {o} in interview";
    CasesTitle => "约谈案件", "Interview cases";
    CasesHint => "逾期未约谈的案件排在最前。", "Overdue cases come first.";
    FilterAny => "全部", "Any";
    CasesOverdueOnly => "仅显示逾期", "Overdue only";
    CasesNone => "没有符合条件的案件。", "No cases match.";
    CaseSubject => "约谈对象", "Subject";
    CaseInterviewer => "约谈人", "Interviewer";
    CaseDue => "约谈期限", "Due";
    CaseKindUnit => "单位约谈", "Unit case";
    CaseOverdue => "逾期", "Overdue";
    CaseTitle => "约谈案件", "Interview case";
    Print => "打印", "Print";
    CaseReasons => "约谈原因", "Reasons";
    CaseOpened => "立案时间", "Opened";
    CaseInterviewAt => "约谈时间（北京时间）", "Interview time (China Standard Time)";
    CaseOutcomeLabel => "约谈结论", "Outcome";
    CaseNotes => "约谈记录", "Interview notes";
    CaseTrail => "处理记录", "History";
    CaseActions => "办理", "Actions";
    CasePlace => "约谈地点", "Place";
    CaseSchedule => "安排约谈", "Schedule the interview";
    CaseRecord => "登记约谈结果", "Record the interview";
    CaseCloseHint => "结案后不可再修改；结论为“重新测试”的，将自动安排一次补考。", "A closed case cannot change; a re-test outcome assigns one more retake.";
    CaseClose => "结案", "Close the case";
    CaseDossier => "考试档案", "Dossier";
    CaseScore => "得分", "Score";
    CaseTimeUsed => "用时（分:秒）", "Time used (min:s)";
    CaseAccommodation => "照顾措施", "Accommodation";
    CaseRegraded => "复核改分次数", "Regraded";
    CaseCategory => "分类", "Category";
    CaseEvents => "考试纪律记录", "Integrity events";
    CaseRegrades => "本考试的复核记录", "Regrades of this exam";
    NotificationsTitle => "通知", "Notifications";
    NotificationsNone => "暂无通知。", "No notifications.";
    NotificationsMarkRead => "全部标为已读", "Mark all as read";
    NotificationsNew => "新", "New";
    JobsTitle => "后台任务", "Background jobs";
    JobsHint => "场次结束、补考安排、约谈立案与邮件发送均由后台任务完成；失败的任务会自动重试，多次失败后在此列出。", "Closing sittings, assigning retakes, opening cases and sending mail run as background jobs; failed jobs retry by themselves and are listed here.";
    JobsPending => "待执行", "Pending";
    JobsDone => "已完成", "Done";
    JobsNoProblems => "没有失败的任务。", "No failed jobs.";
    JobsKind => "任务", "Job";
    JobsAttempts => "尝试次数", "Attempts";
    JobsError => "最近错误", "Last error";
    JobsRetry => "重试", "Retry";
    JobsFailed => "已放弃", "Given up";
    JobsRetrying => "将于以下时间重试：", "Retrying at";
    NavCases => "约谈", "Cases";
    NavJobs => "后台任务", "Jobs";
    ExamRetakesLink => "补考与约谈", "Retakes and interviews";
    EscalationLegend => "约谈", "Escalation (interviews)";
    VoidedQualifies => "成绩作废者也须补考", "Voided attempts also qualify for a retake";
    InterviewerLogin => "约谈人登录名（留空则由考生所在单位链上最近的约谈人负责）", "Interviewer's login (empty: the nearest interviewer up the candidate's unit chain)";
    CaseDueDays => "约谈期限（天）", "Days to hold the interview";
    UnitEscalationBottom => "通过率倒数前 N 名单位转约谈（0 为不启用）", "Escalate the N units with the lowest pass rate (0: off)";
    UnitEscalationMin => "参与排名的最少考生数", "Fewest candidates for a unit to be ranked";
    RetakeWaitDays => "距上次成绩的最短间隔（天）", "Minimum days after a result";
    RetakeFreshPaper => "补考重新抽题，避开考生做过的题目", "Retakes draw a fresh paper avoiding questions the candidate has seen";
    PaperStructure => "试卷结构", "Paper";
    PaperTotals => "共 {n} 题，总分 {p} 分。", "{n} questions, {p} points in total.";
    NoSections => "试卷还没有部分。请先添加一个部分，再在其中添加固定题目或抽题规则。", "The paper has no sections yet. Add one, then fixed questions or draw rules in it.";
    PaperSectionN => "第 {n} 部分", "Section {n}";
    SectionTotals => "本部分 {n} 题，{p} 分", "{n} questions, {p} points in this section";
    PaperSectionTitle => "部分名称", "Section title";
    SectionRename => "改名", "Rename";
    RemoveSection => "删除此部分", "Remove this section";
    RemoveSectionLabel => "删除此部分（第 {n} 部分）", "Remove this section (section {n})";
    FixedQuestions => "固定题目", "Fixed questions";
    NoFixedQuestions => "没有固定题目。", "No fixed questions.";
    DrawRules => "抽题规则", "Draw rules";
    NoRules => "没有抽题规则。", "No draw rules.";
    RuleLine => "{cat} / {type} / {diff} × {count} 题 × 每题 {points} 分", "{cat} / {type} / {diff} × {count} × {points} points each";
    UnknownCategory => "（已删除的分类）", "(deleted category)";
    PaperRemove => "移除", "Remove";
    RemoveFixedLabel => "移除第 {n} 道固定题目", "Remove fixed question {n}";
    RemoveRuleLabel => "删除第 {n} 条抽题规则", "Remove draw rule {n}";
    PaperPointsN => "{n} 分", "{n} points";
    AddRule => "添加抽题规则", "Add a draw rule";
    RuleCount => "抽取数量", "How many";
    PointsEach => "每题分值", "Points each";
    AddRuleButton => "添加规则", "Add rule";
    AddFixedById => "按题目 ID 添加固定题目", "Add fixed questions by ID";
    QuestionIds => "题目 ID", "Question IDs";
    QuestionIdsHint => "题目 ID 是题目页面地址的最后一段；多个 ID 用逗号、空格或换行分隔。也可以用下方的“查找题目”。", "A question's ID is the last part of its page address; separate several with commas, spaces or line breaks. Or use “Find questions” below.";
    AddFixedButton => "加入固定题目", "Add as fixed questions";
    NewSectionTitle => "新部分的名称", "New section title";
    PaperAddSection => "添加部分", "Add section";
    PickerTitle => "查找题目并加入试卷", "Find questions to add";
    AddToSection => "加入到", "Add to";
    AddToPaper => "加入", "Add";
    AlreadyInPaper => "已在试卷中", "Already in the paper";
    SittingsOfExam => "本考试的场次", "Sittings of this exam";
    NewSitting => "新建场次", "New sitting";
    CreateSitting => "新建场次", "Create sitting";
    PreviewOf => "试卷预览：{t}", "Paper preview: {t}";
    PreviewFacts => "考试时长 {m} 分钟，总分 {p} 分", "{m} minutes, {p} points in total";
    PreviewNotice => "这是一份按规则抽取的样卷，显示方式与考生所见相同；每位考生抽到的题目和选项顺序可能不同。", "This is a sample drawn by the rules, shown as a candidate sees it; each candidate may get other questions and option orders.";
    PreviewShowAnswers => "显示答案", "Show answers";
    PreviewHideAnswers => "隐藏答案", "Hide answers";
    AnotherSample => "换一份", "Another sample";
    SampleNo => "样卷编号 {n}", "Sample no. {n}";
    PreviewBlankN => "第 {n} 空", "Blank {n}";
    PreviewAnswerArea => "第 {n} 题作答区（预览，不能作答）", "Answer area of question {n} (preview, disabled)";
    SittingsTitle => "场次管理", "Sittings";
    SittingsListHint => "显示尚未结束的场次和最近 30 天内结束的场次，时间均为北京时间。新建场次请到相应考试的页面。", "Shows sittings that have not ended and those that ended in the last 30 days, in Beijing time. Create sittings on the exam's page.";
    NoSittings => "没有场次。", "No sittings.";
    SittingNameLabel => "场次名称", "Sitting name";
    SittingWindowCst => "考试时段（北京时间）", "Window (Beijing time)";
    SittingModeLabel => "开考方式", "Start mode";
    AssignedOfCapacity => "已安排 / 座位", "Assigned / seats";
    SittingPhaseScheduled => "未开始", "Not started";
    SittingPhaseOpen => "进行中", "Open";
    SittingPhaseClosed => "已结束", "Ended";
    RetakeTag => "补考", "Retake";
    RetakeSitting => "补考场次", "Retake sitting";
    SittingWindowStart => "开始时间", "Start";
    SittingWindowEnd => "结束时间", "End";
    WindowTzHint => "按北京时间（Asia/Shanghai）填写。", "Enter Beijing time (Asia/Shanghai).";
    ModeFixed => "固定开考：所有考生在开始时间一起开考", "Fixed start: everyone starts at the start time";
    ModeFlexibleLong => "灵活开考：考生在时段内任意时间开考，用时为考试时长", "Flexible: candidates start any time within the window and get the exam's duration";
    ModeFixedSummary => "固定开考（开考后 {n} 分钟内可入场）", "Fixed start (entry up to {n} minutes late)";
    ModeFlexible => "灵活开考", "Flexible start";
    LateEntryMinutes => "迟到入场时限（分钟）", "Late entry (minutes)";
    LateEntryHint => "只对固定开考有效；0 表示开考后不能再入场。", "Only for a fixed start; 0 means no entry after the start.";
    SittingCapacity => "座位数", "Seats";
    SittingLocation => "考场地点", "Location";
    BackToSittings => "返回场次列表", "Back to the sittings";
    EditSitting => "修改场次", "Change the sitting";
    AssignTitle => "安排考生", "Assign candidates";
    AssignBy => "选择考生的方式", "Choose candidates by";
    ByUnit => "按单位", "By unit";
    ByRank => "按职级类别", "By rank";
    ByLogins => "按登录名", "By login name";
    AssignByHint => "只使用所选方式对应的一栏，其余各栏不起作用。", "Only the box of the chosen way is used; the others are ignored.";
    ChooseUnit => "（请选择单位）", "(choose a unit)";
    WithSubUnits => "包含下级单位", "Include subunits";
    LoginsLabel => "登录名", "Login names";
    LoginsHint => "每行一个登录名，也可以用逗号或空格分隔。", "One login name per line, or separated by commas or spaces.";
    PreviewCount => "预览人数", "Preview";
    AssignPreviewTitle => "安排预览", "Preview";
    WillAssign => "将安排 {n} 人。", "{n} will be assigned.";
    SeatsLeftAfter => "安排后剩余座位 {n} 个。", "{n} seats left afterwards.";
    AllAlreadyAssigned => "所选人员均已安排在本场次。", "Everyone selected is already assigned to this sitting.";
    ConflictsTitle => "不能安排的人员（{n}）", "Cannot be assigned ({n})";
    ConfirmAssign => "确认安排 {n} 人", "Assign {n} now";
    AssignDone => "已安排 {n} 人，剩余座位 {s} 个。", "{n} assigned; {s} seats left.";
    NotAssignedTitle => "未安排的人员", "Not assigned";
    ConflictAlreadyAssigned => "已安排在本场次", "Already assigned to this sitting";
    ConflictOverlap => "与已安排的其他场次时间重叠", "Assigned to another sitting at an overlapping time";
    ConflictOverCapacity => "座位已满", "No seats left";
    ConflictNotCandidate => "不是考生", "Not a candidate";
    ConflictDisabled => "账户已停用", "Account disabled";
    ConflictOutOfScope => "不在您的管理范围内", "Outside your scope";
    ConflictUnknownLogin => "登录名不存在", "No such login name";
    RosterTitle => "已安排的考生（{n} / {c}）", "Assigned candidates ({n} / {c})";
    NoCandidatesAssigned => "还没有安排考生。", "No candidates assigned yet.";
    AccommodationCol => "延长时间", "Extra time";
    EditAccommodation => "设置延长时间", "Set extra time";
    EditAccommodationFor => "设置延长时间：{name}", "Set extra time: {name}";
    AccExtraMinutes => "延长分钟数", "Extra minutes";
    AccExtraPercent => "按时长延长（%）", "Extra percent of duration";
    AccommodationReason => "原因", "Reason";
    AccExtraMinutesN => "+{n} 分钟", "+{n} min";
    RemoveFromSitting => "移出", "Remove";
    RemoveCandidateLabel => "移出：{name}", "Remove: {name}";
    CalendarTitle => "场次日历", "Sitting calendar";
    SittingsCalendarView => "日历视图", "Calendar";
    SittingsListView => "列表视图", "List";
    CalendarNav => "切换月份", "Change month";
    CalendarMonth => "{y} 年 {m} 月", "{month} {y}";
    CalendarCount => "（本月 {n} 个场次）", "({n} sittings this month)";
    CalWeekdayMon => "周一", "Mon";
    CalWeekdayTue => "周二", "Tue";
    CalWeekdayWed => "周三", "Wed";
    CalWeekdayThu => "周四", "Thu";
    CalWeekdayFri => "周五", "Fri";
    CalWeekdaySat => "周六", "Sat";
    CalWeekdaySun => "周日", "Sun";
    MySittingsTitle => "我的考试安排", "My scheduled exams";
    SittingStartsIn => "距开考还有 {d} 天 {h} 小时", "Starts in {d} days {h} hours";
    SittingStartsWithinHour => "距开考不足 1 小时", "Starts within the hour";
    SittingUnderway => "考试正在进行", "Under way now";

    // Sittings.
    ErrWindowClashes => "新的时段与已安排考生的其他场次重叠", "The new window overlaps another sitting of an assigned candidate";
    ErrLoginColumnMissing => "名单中找不到“登录名”列", "The list has no 登录名 (login) column";
    AssignFromFile => "从 Excel 名单安排", "Assign from an Excel list";
    AssignFileLabel => "考生名单（.xlsx 或 .csv，含“登录名”列）", "Candidate list (.xlsx or .csv with a 登录名 column)";
    AssignFileButton => "读取名单并预览", "Read the list and preview";
    ErrWindowOrder => "结束时间须晚于开始时间", "The end must be after the start";
    ErrWindowTooShort => "考试时段不能短于考试时长", "The window must be at least as long as the exam's duration";
    ErrCapacityRange => "座位数须为 1–100000", "Capacity must be 1–100000";
    ErrLateEntryRange => "迟到入场时限不能超过考试时长", "Late entry cannot last longer than the exam";
    ErrExtraMinutesRange => "延长时间不能超过 600 分钟", "Extra time can be at most 600 minutes";
    ErrExtraPercentRange => "延长比例不能超过 200%", "Extra time can be at most 200% of the duration";
    ErrAccommodationReason => "给予延长时间须填写原因（不超过 200 字）", "Give a reason for the extra time (at most 200 characters)";
    StartNotYetOpen => "考试尚未开始，请在开考时间后进入", "The sitting has not opened yet";
    StartLateEntryClosed => "已超过迟到入场时限，不能再进入考试", "Late entry has closed; the exam can no longer be started";
    StartClosed => "本场考试已结束", "The sitting has closed";
    ErrDateTime => "请输入有效的日期和时间", "Enter a valid date and time";
    ErrSittingInPast => "场次开始时间须晚于现在", "A sitting must start in the future";
    ErrNoneAwaitingRetake => "没有等待补考场次的考生", "No candidate is waiting for a retake sitting";
    ErrRetakeBeforeWait => "补考开始时间须晚于所有考生的最短间隔期", "The retake must start after every candidate's minimum wait";
    ErrNotInterviewer => "该登录名不存在或不是在岗约谈人", "No active user with the interviewer role has this login";
    ErrCaseStep => "案件当前状态不允许此操作，请刷新后重试", "The case's current state does not allow this step; reload and try again";
    ErrPlaceRequired => "请填写约谈地点（不超过 200 字）", "Give the place of the interview (at most 200 characters)";
    ErrInterviewInPast => "约谈时间须晚于现在", "The interview must be in the future";
    ErrNotesRequired => "请填写约谈记录（不超过 5000 字）", "Write the interview notes (at most 5,000 characters)";
    RetakeSittingDefaultName => "补考", "Retake";
    ErrSittingOpened => "场次已开始，不能再修改", "The sitting has opened and can no longer change";
    ErrSittingClosed => "场次已结束", "The sitting has closed";
    ErrCapacityBelowAssigned => "座位数不能少于已安排的考生人数", "Capacity cannot be below the number of candidates assigned";
    ErrPassMarkAboveTotal => "及格分不能高于试卷总分", "The pass mark cannot exceed the paper's total";

    // Attempts.
    ErrResponseInvalid => "答案格式不正确", "The answer is not valid for this question";
    ErrPledgeRequired => "请先勾选闭卷承诺", "Tick the closed-book pledge first";
    StartNoPaper => "试卷尚未生成，请联系组织员", "No paper has been drawn for you yet; ask the organizer";
    ErrDeadlinePassed => "考试时间已到，此后的答案不再保存", "Time is up; answers are no longer saved";
    ErrAttemptSubmitted => "答卷已提交，不能再修改", "The exam has been submitted and can no longer change";
    ErrOtherDevice => "本场考试已在另一个浏览器中进行。如需更换电脑，请联系监考员解锁。", "This exam is open in another browser. To change computers, ask the invigilator to unlock it.";
    ErrReasonRequired => "请填写原因（不超过 200 字）", "Give a reason (at most 200 characters)";
    ErrExtendMinutesRange => "时间须为 1–240 分钟", "Minutes must be 1–240";
    ErrNoRunningAttempt => "没有正在进行的答卷", "There is no running attempt";
    ErrNotSubmitted => "该答卷尚未交卷", "That attempt has not been submitted";
    ExamInProgress => "进行中的考试", "Exam in progress";
    ResumeAttempt => "继续答题", "Resume";
    PastResults => "已完成的考试", "Finished exams";
    ResultHidden => "成绩暂不公布", "Result not published";
    ResultPassed => "合格", "Passed";
    ResultFailed => "不合格", "Failed";
    ScoreLabel => "得分", "Score";
    EnterExam => "进入考试", "Enter";
    BeforeStart => "考前须知", "Before you start";
    DurationMinutesLabel => "考试时长（分钟）", "Duration (minutes)";
    ExtraTimeLabel => "延长时间（分钟）", "Extra time (minutes)";
    QuestionCountLabel => "题目数量", "Questions";
    TotalPointsLabel => "试卷总分", "Total points";
    WindowLabel => "考试时段", "Window";
    PledgeText => "本人承诺：闭卷作答，不查阅任何资料，不与他人交流，独立完成考试。", "I pledge to answer closed-book: no notes, no other sources, no help from anyone.";
    StartExam => "开始答题", "Start the exam";
    OpensIn => "距开考", "Opens in";
    AnswerCard => "答题卡", "Answer card";
    FlagQuestion => "标记本题", "Flag for review";
    UnflagQuestion => "取消标记", "Remove flag";
    PrevQuestion => "上一题", "Previous";
    NextQuestion => "下一题", "Next";
    SaveAnswer => "保存答案", "Save answer";
    SavedAt => "已保存 ✓", "Saved ✓";
    Saving => "正在保存…", "Saving…";
    NotSavedYet => "尚未保存", "Not saved yet";
    OfflineBanner => "网络连接中断：答案已暂存在本机，恢复连接后将按顺序自动提交。请勿关闭页面。", "Connection lost: your answers are kept in this browser and will be sent in order when the connection returns. Do not close the page.";
    TimeLeft => "剩余时间", "Time left";
    SubmitBy => "交卷截止时间", "Submit by";
    WarnFiveMinutes => "距考试结束还有 5 分钟", "5 minutes left";
    WarnOneMinute => "距考试结束还有 1 分钟", "1 minute left";
    SubmitExam => "交卷", "Submit";
    SubmitConfirmTitle => "确认交卷", "Submit the exam?";
    UnansweredCount => "未答题数", "Unanswered";
    FlaggedCount => "标记题数", "Flagged";
    ConfirmSubmit => "确认交卷", "Yes, submit";
    ReturnToExam => "返回答题", "Back to the questions";
    SubmittedTitle => "已交卷", "Submitted";
    SubmittedText => "您的答卷已提交。", "Your answers have been submitted.";
    SubmittedAtLabel => "交卷时间", "Submitted at";
    QuestionNumber => "第 {n} 题", "Question {n}";
    BlankNumber => "第 {n} 空", "Blank {n}";
    AnsweredLegend => "已答", "Answered";
    UnansweredLegend => "未答", "Unanswered";
    FlaggedLegend => "已标记", "Flagged";
    TimeUp => "考试时间已到，答卷已自动提交", "Time is up; your answers have been submitted";
    ShortcutsHelp => "快捷键：← → 切换题目，1–8 选择选项，F 标记本题", "Shortcuts: ← → move between questions, 1–8 choose an option, F flags";
    PointsSuffix => "分", "points";
    Invigilate => "监考", "Invigilate";
    NotStarted => "未开始", "Not started";
    InProgress => "答题中", "In progress";
    ProgressLabel => "进度", "Progress";
    LastSaveLabel => "最后保存", "Last save";
    EventsLabel => "异常事件", "Integrity events";
    ActionsLabel => "操作", "Actions";
    ExtendTime => "延长时间", "Extend time";
    ExtendAll => "全场延长时间", "Extend everyone's time";
    UnlockDevice => "解锁设备", "Unlock device";
    ReopenAttempt => "重新开放答卷", "Reopen attempt";
    MinutesLabel => "分钟数", "Minutes";
    ReasonLabel => "原因", "Reason";
    UnlockedNote => "已解锁，等待考生重新进入", "Unlocked; waiting for the candidate";
    EventTabHidden => "切换离开考试页面", "Left the exam tab";
    EventWindowBlur => "考试窗口失去焦点", "Exam window lost focus";
    EventFullscreenExit => "退出全屏", "Left full screen";
    EventCopy => "复制", "Copied text";
    EventPaste => "粘贴", "Pasted text";
    EventSecondSession => "另一浏览器尝试打开考试，已拒绝", "Another browser tried to open the exam (refused)";
    EventUnlocked => "监考员解锁设备", "Invigilator unlocked the device";
    EventExtended => "监考员延长时间", "Invigilator extended the time";
    EventReopened => "监考员重新开放答卷", "Invigilator reopened the attempt";
    EventsAdvisory => "异常事件仅供参考，不会自动判为不合格。", "Integrity events are advisory; they never fail anyone automatically.";
    Regrade => "重新评分", "Regrade";
    RegradeCurrentKey => "按题目当前答案重新评分", "Grade with the question's current key";
    RegradeVoid => "作废此题（全员得分）", "Void the question (everyone gets its points)";
    RegradePreview => "预览成绩变化", "Preview the changes";
    RegradeApply => "确认重新评分", "Apply the regrade";
    RegradeNoChange => "没有考生的成绩会因此变化", "No candidate's result would change";
    RegradeApplied => "已重新评分", "Regrade applied";
    OldScore => "原得分", "Old score";
    NewScore => "新得分", "New score";
    QuestionLabel => "题目", "Question";
    AttemptsLabel => "答卷数", "Attempts";
    RegradeInForce => "已生效的更正", "Correction in force";
    CandidateLabel => "考生", "Candidate";
    StatusLabel => "状态", "Status";
    DeadlineLabel => "截止时间", "Deadline";
    ResultLabel => "结果", "Result";
    Refresh => "刷新", "Refresh";
    BackToSitting => "返回场次", "Back to the sitting";
    RegradeHint => "先在题库中更正题目答案（会生成新版本），或选择作废；预览列出成绩或合格与否会变化的考生，确认后一次性生效。", "Correct the question's key in the bank first (this makes a new version), or void it; the preview lists every candidate whose score or verdict would change, and confirming applies all of it at once.";
    RegradePick => "选择题目", "Pick a question";
    RegradeModeLabel => "更正方式", "Correction";
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
