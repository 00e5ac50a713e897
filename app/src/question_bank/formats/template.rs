//! The downloadable question template (.xlsx): a "题目" sheet to fill in, with dropdowns,
//! and a "示例" sheet with one example of every type and short instructions.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use super::sheet::{HEADERS, TYPE_NAMES};
use super::MAX_ITEMS;

/// The workbook users download to write questions in.
pub fn template_xlsx() -> Vec<u8> {
    // Built from constants only and tested, so failure is a programming error, not
    // something a request can cause.
    build().expect("the question template is built from constants")
}

pub(super) const SHEET_NAME: &str = "题目";
pub(super) const EXAMPLE_SHEET_NAME: &str = "示例";

pub(super) const NOTE: &str = "填写说明：题型填写 单选、多选、判断 或 填空。选择题最多 8 个选项（选项A–选项H），\
答案填写选项字母，如 B 或 ACD。判断题答案填写 正确 或 错误。填空题答案中，多个空用“|”分隔，\
同一个空的多个参考答案用“/”分隔，如：民主集中制|党员/党的成员；“忽略大小写”“全半角等同”填 是 或 否，仅对填空题有效。\
分类的多级之间用“/”分隔，如：党章党规/纪律处分条例。难度为 1–5（默认 3），分值默认 1，可有两位小数。\
多个标签用逗号或顿号分隔。请在“题目”工作表中填写，本表仅作示例。";

const DIFFICULTY_COL: u16 = 13;
const POINTS_COL: u16 = 15;
const CASE_COL: u16 = 16;
const WIDTH_COL: u16 = 17;

const WIDTHS: [f64; 18] = [
    8.0, 48.0, 18.0, 18.0, 18.0, 18.0, 14.0, 14.0, 14.0, 14.0, 10.0, 30.0, 24.0, 6.0, 16.0, 6.0,
    11.0, 11.0,
];

/// One example of every type, in the template's columns.
pub(super) const EXAMPLES: [[&str; 18]; 4] = [
    [
        "单选",
        "党的最高领导机关是（  ）。",
        "党的全国代表大会和它所产生的中央委员会",
        "中央政治局",
        "中央书记处",
        "中央纪律检查委员会",
        "",
        "",
        "",
        "",
        "A",
        "见《中国共产党章程》第十条。",
        "党章党规/中国共产党章程",
        "2",
        "党章",
        "1",
        "",
        "",
    ],
    [
        "多选",
        "党的纪律处分条例规定的党的纪律包括（  ）。",
        "政治纪律",
        "组织纪律",
        "廉洁纪律",
        "群众纪律",
        "工作纪律",
        "生活纪律",
        "",
        "",
        "ABCDEF",
        "六项纪律。",
        "党章党规/纪律处分条例",
        "3",
        "纪律、六项纪律",
        "2",
        "",
        "",
    ],
    [
        "判断",
        "党员有权在党的会议上和党报党刊上，参加关于党的政策问题的讨论。",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "正确",
        "",
        "党章党规/中国共产党章程",
        "1",
        "党员权利",
        "1",
        "",
        "",
    ],
    [
        "填空",
        "（  ）是党的根本组织原则；（  ）必须履行党章规定的义务。",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "民主集中制|党员/党的成员",
        "",
        "党章党规/中国共产党章程",
        "3",
        "",
        "2.5",
        "否",
        "是",
    ],
];

fn build() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    prepare_sheet(sheet, 0)?;

    let example = workbook.add_worksheet();
    example.set_name(EXAMPLE_SHEET_NAME)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    example.merge_range(0, 0, 0, 11, NOTE, &wrap)?;
    example.set_row_height(0, 96)?;
    prepare_sheet(example, 1)?;
    for (row, values) in (2u32..).zip(EXAMPLES) {
        for (col, value) in (0u16..).zip(values) {
            if !value.is_empty() {
                example.write_string(row, col, value)?;
            }
        }
    }
    workbook.save_to_buffer()
}

/// Writes a question sheet's header on `header_row` with column widths, text formats
/// and the dropdowns below it; export uses it too, so an exported file is a template.
pub(super) fn prepare_sheet(sheet: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    // Text, so Excel keeps "1/2" in an answer and leading zeros rather than turning
    // them into dates and numbers.
    let text = Format::new().set_num_format("@");
    for (col, (header, width)) in (0u16..).zip(HEADERS.iter().zip(WIDTHS)) {
        sheet.set_column_width(col, width)?;
        if col != DIFFICULTY_COL && col != POINTS_COL {
            sheet.set_column_format(col, &text)?;
        }
        sheet.write_string_with_format(header_row, col, *header, &bold)?;
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    let first = header_row + 1;
    let last = header_row.saturating_add(u32::try_from(MAX_ITEMS).unwrap_or(u32::MAX));
    let types: Vec<&str> = TYPE_NAMES.iter().map(|(_, name)| *name).collect();
    let qtype = dropdown(&types, "题型", "请选择：单选、多选、判断、填空")?;
    sheet.add_data_validation(first, 0, last, 0, &qtype)?;
    let difficulty = dropdown(
        &["1", "2", "3", "4", "5"],
        "难度",
        "1（最易）至 5（最难），默认 3",
    )?;
    sheet.add_data_validation(first, DIFFICULTY_COL, last, DIFFICULTY_COL, &difficulty)?;
    let yes_no = dropdown(
        &["是", "否"],
        "填空判分",
        "是 或 否，仅对填空题有效，默认 否",
    )?;
    sheet.add_data_validation(first, CASE_COL, last, WIDTH_COL, &yes_no)?;
    Ok(())
}

/// A list dropdown that warns rather than refuses, so other accepted spellings
/// ("单选题", "single") can still be typed.
fn dropdown(choices: &[&str], title: &str, message: &str) -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_list_strings(choices)?
        .set_input_title(title)?
        .set_input_message(message)?
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title(title)?
        .set_error_message(message)
}
