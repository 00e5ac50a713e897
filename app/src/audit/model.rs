//! Wire types of the audit log.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// Every audited action. Stored by its key so old rows stay readable as actions grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    LoginSucceeded,
    LoginFailed,
    Logout,
    PasswordChanged,
    PasswordReset,
    SessionsEnded,
    UserCreated,
    UserUpdated,
    UserDisabled,
    UserEnabled,
    UsersImported,
    UnitCreated,
    UnitUpdated,
    UnitDeleted,
    BankCreated,
    BankUpdated,
    QuestionCreated,
    QuestionUpdated,
    QuestionsBulkChanged,
    QuestionsImported,
    ExamCreated,
    ExamUpdated,
    SittingCreated,
    SittingUpdated,
    CandidatesAssigned,
    CandidateUnassigned,
    AccommodationSet,
    AttemptSecondSessionRefused,
    AttemptUnlocked,
    AttemptExtended,
    AttemptReopened,
    RegradeApplied,
    RetakeSittingCreated,
    CaseUpdated,
    JobRetried,
    AttemptVoided,
}

impl AuditAction {
    pub const ALL: [AuditAction; 36] = [
        AuditAction::LoginSucceeded,
        AuditAction::LoginFailed,
        AuditAction::Logout,
        AuditAction::PasswordChanged,
        AuditAction::PasswordReset,
        AuditAction::SessionsEnded,
        AuditAction::UserCreated,
        AuditAction::UserUpdated,
        AuditAction::UserDisabled,
        AuditAction::UserEnabled,
        AuditAction::UsersImported,
        AuditAction::UnitCreated,
        AuditAction::UnitUpdated,
        AuditAction::UnitDeleted,
        AuditAction::BankCreated,
        AuditAction::BankUpdated,
        AuditAction::QuestionCreated,
        AuditAction::QuestionUpdated,
        AuditAction::QuestionsBulkChanged,
        AuditAction::QuestionsImported,
        AuditAction::ExamCreated,
        AuditAction::ExamUpdated,
        AuditAction::SittingCreated,
        AuditAction::SittingUpdated,
        AuditAction::CandidatesAssigned,
        AuditAction::CandidateUnassigned,
        AuditAction::AccommodationSet,
        AuditAction::AttemptSecondSessionRefused,
        AuditAction::AttemptUnlocked,
        AuditAction::AttemptExtended,
        AuditAction::AttemptReopened,
        AuditAction::RegradeApplied,
        AuditAction::RetakeSittingCreated,
        AuditAction::CaseUpdated,
        AuditAction::JobRetried,
        AuditAction::AttemptVoided,
    ];

    pub fn key(self) -> &'static str {
        match self {
            AuditAction::LoginSucceeded => "login.succeeded",
            AuditAction::LoginFailed => "login.failed",
            AuditAction::Logout => "logout",
            AuditAction::PasswordChanged => "password.changed",
            AuditAction::PasswordReset => "password.reset",
            AuditAction::SessionsEnded => "sessions.ended",
            AuditAction::UserCreated => "user.created",
            AuditAction::UserUpdated => "user.updated",
            AuditAction::UserDisabled => "user.disabled",
            AuditAction::UserEnabled => "user.enabled",
            AuditAction::UsersImported => "users.imported",
            AuditAction::UnitCreated => "unit.created",
            AuditAction::UnitUpdated => "unit.updated",
            AuditAction::UnitDeleted => "unit.deleted",
            AuditAction::BankCreated => "bank.created",
            AuditAction::BankUpdated => "bank.updated",
            AuditAction::QuestionCreated => "question.created",
            AuditAction::QuestionUpdated => "question.updated",
            AuditAction::QuestionsBulkChanged => "questions.bulk",
            AuditAction::QuestionsImported => "questions.imported",
            AuditAction::ExamCreated => "exam.created",
            AuditAction::ExamUpdated => "exam.updated",
            AuditAction::SittingCreated => "sitting.created",
            AuditAction::SittingUpdated => "sitting.updated",
            AuditAction::CandidatesAssigned => "candidates.assigned",
            AuditAction::CandidateUnassigned => "candidate.unassigned",
            AuditAction::AccommodationSet => "accommodation.set",
            AuditAction::AttemptSecondSessionRefused => "attempt.second_session_refused",
            AuditAction::AttemptUnlocked => "attempt.unlocked",
            AuditAction::AttemptExtended => "attempt.extended",
            AuditAction::AttemptReopened => "attempt.reopened",
            AuditAction::RegradeApplied => "regrade.applied",
            AuditAction::RetakeSittingCreated => "retake.sitting_created",
            AuditAction::CaseUpdated => "case.updated",
            AuditAction::JobRetried => "job.retried",
            AuditAction::AttemptVoided => "attempt.voided",
        }
    }

    pub fn from_key(key: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.key() == key)
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang::*;
        match (self, lang) {
            (AuditAction::LoginSucceeded, ZhCn) => "登录成功",
            (AuditAction::LoginSucceeded, En) => "Signed in",
            (AuditAction::LoginFailed, ZhCn) => "登录失败",
            (AuditAction::LoginFailed, En) => "Sign-in failed",
            (AuditAction::Logout, ZhCn) => "退出登录",
            (AuditAction::Logout, En) => "Signed out",
            (AuditAction::PasswordChanged, ZhCn) => "修改密码",
            (AuditAction::PasswordChanged, En) => "Changed password",
            (AuditAction::PasswordReset, ZhCn) => "重置密码",
            (AuditAction::PasswordReset, En) => "Reset password",
            (AuditAction::SessionsEnded, ZhCn) => "强制下线",
            (AuditAction::SessionsEnded, En) => "Ended sessions",
            (AuditAction::UserCreated, ZhCn) => "新建用户",
            (AuditAction::UserCreated, En) => "Created user",
            (AuditAction::UserUpdated, ZhCn) => "修改用户",
            (AuditAction::UserUpdated, En) => "Updated user",
            (AuditAction::UserDisabled, ZhCn) => "停用用户",
            (AuditAction::UserDisabled, En) => "Disabled user",
            (AuditAction::UserEnabled, ZhCn) => "启用用户",
            (AuditAction::UserEnabled, En) => "Enabled user",
            (AuditAction::UsersImported, ZhCn) => "批量导入用户",
            (AuditAction::UsersImported, En) => "Imported users",
            (AuditAction::UnitCreated, ZhCn) => "新建单位",
            (AuditAction::UnitCreated, En) => "Created unit",
            (AuditAction::UnitUpdated, ZhCn) => "修改单位",
            (AuditAction::UnitUpdated, En) => "Updated unit",
            (AuditAction::UnitDeleted, ZhCn) => "删除单位",
            (AuditAction::UnitDeleted, En) => "Deleted unit",
            (AuditAction::BankCreated, ZhCn) => "新建题库",
            (AuditAction::BankCreated, En) => "Created question bank",
            (AuditAction::BankUpdated, ZhCn) => "修改题库",
            (AuditAction::BankUpdated, En) => "Updated question bank",
            (AuditAction::QuestionCreated, ZhCn) => "新建题目",
            (AuditAction::QuestionCreated, En) => "Created question",
            (AuditAction::QuestionUpdated, ZhCn) => "修改题目",
            (AuditAction::QuestionUpdated, En) => "Updated question",
            (AuditAction::QuestionsBulkChanged, ZhCn) => "批量修改题目",
            (AuditAction::QuestionsBulkChanged, En) => "Changed questions in bulk",
            (AuditAction::QuestionsImported, ZhCn) => "导入题目",
            (AuditAction::QuestionsImported, En) => "Imported questions",
            (AuditAction::ExamCreated, ZhCn) => "新建考试",
            (AuditAction::ExamCreated, En) => "Created exam",
            (AuditAction::ExamUpdated, ZhCn) => "修改考试",
            (AuditAction::ExamUpdated, En) => "Updated exam",
            (AuditAction::SittingCreated, ZhCn) => "新建场次",
            (AuditAction::SittingCreated, En) => "Created sitting",
            (AuditAction::SittingUpdated, ZhCn) => "修改场次",
            (AuditAction::SittingUpdated, En) => "Updated sitting",
            (AuditAction::CandidatesAssigned, ZhCn) => "安排考生",
            (AuditAction::CandidatesAssigned, En) => "Assigned candidates",
            (AuditAction::CandidateUnassigned, ZhCn) => "移出考生",
            (AuditAction::CandidateUnassigned, En) => "Removed candidate",
            (AuditAction::AccommodationSet, ZhCn) => "设置延时",
            (AuditAction::AccommodationSet, En) => "Set extra time",
            (AuditAction::AttemptSecondSessionRefused, ZhCn) => "拒绝第二个浏览器会话",
            (AuditAction::AttemptSecondSessionRefused, En) => "Refused a second browser session",
            (AuditAction::AttemptUnlocked, ZhCn) => "解锁考试设备",
            (AuditAction::AttemptUnlocked, En) => "Unlocked an attempt for another device",
            (AuditAction::AttemptExtended, ZhCn) => "延长考试时间",
            (AuditAction::AttemptExtended, En) => "Extended time",
            (AuditAction::AttemptReopened, ZhCn) => "重新开放已交卷",
            (AuditAction::AttemptReopened, En) => "Reopened a submitted attempt",
            (AuditAction::RegradeApplied, ZhCn) => "重新评分",
            (AuditAction::RegradeApplied, En) => "Applied a regrade",
            (AuditAction::RetakeSittingCreated, ZhCn) => "创建补考场次",
            (AuditAction::RetakeSittingCreated, En) => "Created a retake sitting",
            (AuditAction::CaseUpdated, ZhCn) => "处理约谈案件",
            (AuditAction::CaseUpdated, En) => "Updated an interview case",
            (AuditAction::JobRetried, ZhCn) => "重试后台任务",
            (AuditAction::JobRetried, En) => "Retried a background job",
            (AuditAction::AttemptVoided, ZhCn) => "作废考试成绩",
            (AuditAction::AttemptVoided, En) => "Voided an attempt",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor_login: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub client_addr: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_key_round_trips() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_key(a.key()), Some(a));
        }
    }
}
