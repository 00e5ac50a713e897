//! Wire types of notifications and their translated texts.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::time::Timestamp;

crate::uuid_id!(
    /// One notification to one user.
    NotificationId
);

/// What happened, with what the text needs. Serialised as the stored parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Note {
    /// To a candidate: a retake sitting was assigned.
    RetakeAssigned {
        exam: String,
        sitting: String,
        start: Timestamp,
        location: String,
    },
    /// To a candidate: a retake is needed; the sitting will be announced.
    RetakeAwaiting { exam: String },
    /// To a candidate: a regrade made the retake unnecessary.
    RetakeCancelled { exam: String },
    /// To organizers: candidates wait for a retake sitting of this exam.
    RetakesAwaitingSitting { exam: String, count: u32 },
    /// To an interviewer: a candidate's case was opened.
    CaseOpened { exam: String, candidate: String },
    /// To an interviewer: a unit's case was opened.
    UnitCaseOpened { exam: String, unit: String },
    /// To a candidate: the interview (约谈) is scheduled.
    InterviewScheduled {
        exam: String,
        at: Timestamp,
        place: String,
    },
}

impl Note {
    /// The short key stored beside the parameters.
    pub fn kind(&self) -> &'static str {
        match self {
            Note::RetakeAssigned { .. } => "retake_assigned",
            Note::RetakeAwaiting { .. } => "retake_awaiting",
            Note::RetakeCancelled { .. } => "retake_cancelled",
            Note::RetakesAwaitingSitting { .. } => "retakes_awaiting_sitting",
            Note::CaseOpened { .. } => "case_opened",
            Note::UnitCaseOpened { .. } => "unit_case_opened",
            Note::InterviewScheduled { .. } => "interview_scheduled",
        }
    }

    /// A one-line subject (for mail).
    pub fn subject(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        match self {
            Note::RetakeAssigned { exam, .. } => {
                if zh {
                    format!("补考通知：{exam}")
                } else {
                    format!("Retake scheduled: {exam}")
                }
            }
            Note::RetakeAwaiting { exam } => {
                if zh {
                    format!("需参加补考：{exam}")
                } else {
                    format!("Retake required: {exam}")
                }
            }
            Note::RetakeCancelled { exam } => {
                if zh {
                    format!("补考已取消：{exam}")
                } else {
                    format!("Retake cancelled: {exam}")
                }
            }
            Note::RetakesAwaitingSitting { exam, .. } => {
                if zh {
                    format!("待安排补考场次：{exam}")
                } else {
                    format!("Retakes await a sitting: {exam}")
                }
            }
            Note::CaseOpened { exam, .. } | Note::UnitCaseOpened { exam, .. } => {
                if zh {
                    format!("新的约谈案件：{exam}")
                } else {
                    format!("New interview case: {exam}")
                }
            }
            Note::InterviewScheduled { exam, .. } => {
                if zh {
                    format!("约谈安排：{exam}")
                } else {
                    format!("Interview scheduled: {exam}")
                }
            }
        }
    }

    /// The full text, in China Standard Time.
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        match self {
            Note::RetakeAssigned {
                exam,
                sitting,
                start,
                location,
            } => {
                let at = start.display_cst();
                let place = if location.is_empty() { "—" } else { location };
                if zh {
                    format!("您需参加「{exam}」的补考：{sitting}，{at}（北京时间）开始，地点：{place}。")
                } else {
                    format!("Your retake of “{exam}” is {sitting}, starting {at} (China Standard Time), at {place}.")
                }
            }
            Note::RetakeAwaiting { exam } => {
                if zh {
                    format!("您未通过「{exam}」，需参加补考；补考场次确定后将另行通知。")
                } else {
                    format!("You did not pass “{exam}” and must take a retake; you will be told its sitting once it is scheduled.")
                }
            }
            Note::RetakeCancelled { exam } => {
                if zh {
                    format!("经复核更正成绩，您已通过「{exam}」，原定补考取消。")
                } else {
                    format!("After a regrade you have passed “{exam}”; your retake is cancelled.")
                }
            }
            Note::RetakesAwaitingSitting { exam, count } => {
                if zh {
                    format!("「{exam}」有 {count} 名考生等待补考场次，请安排补考。")
                } else {
                    format!("{count} candidate(s) of “{exam}” are waiting for a retake sitting.")
                }
            }
            Note::CaseOpened { exam, candidate } => {
                if zh {
                    format!("{candidate} 未通过「{exam}」的补考，已转为约谈，请安排约谈。")
                } else {
                    format!("{candidate} did not pass the retakes of “{exam}”; an interview case was opened for you to schedule.")
                }
            }
            Note::UnitCaseOpened { exam, unit } => {
                if zh {
                    format!("{unit} 在「{exam}」中排名靠后，已转为单位约谈。")
                } else {
                    format!("{unit} is among the weakest units in “{exam}”; a unit interview case was opened.")
                }
            }
            Note::InterviewScheduled { exam, at, place } => {
                let at = at.display_cst();
                if zh {
                    format!("关于「{exam}」的约谈定于 {at}（北京时间），地点：{place}。")
                } else {
                    format!("Your interview about “{exam}” is on {at} (China Standard Time) at {place}.")
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: NotificationId,
    pub note: Note,
    pub link: String,
    pub created_at: Timestamp,
    pub read: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_note_reads_in_both_languages_with_its_facts() {
        let note = Note::RetakeAssigned {
            exam: "党规测试".into(),
            sitting: "补考一".into(),
            start: Timestamp(1_796_086_800_000),
            location: "302".into(),
        };
        let zh = note.text(Lang::ZhCn);
        assert!(
            zh.contains("党规测试") && zh.contains("2026-12-01 09:00:00") && zh.contains("302")
        );
        let en = note.text(Lang::En);
        assert!(en.contains("Retake") || en.contains("retake"));
        assert_ne!(note.subject(Lang::ZhCn), note.subject(Lang::En));
    }
}
