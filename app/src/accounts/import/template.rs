//! The downloadable import templates (.xlsx with a role dropdown and an example sheet, and .csv).

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, Workbook, XlsxError,
};

use super::{MAX_DATA_ROWS, TEMPLATE_HEADERS, UTF8_BOM};

/// The downloadable workbook: an empty "用户" sheet to fill in and a "示例" sheet.
pub fn template_xlsx() -> Vec<u8> {
    // Built from constants only; the tests build it, so failure here is a programming
    // error, not something a request can cause.
    build_template_xlsx().expect("the import template is built from constants")
}

/// Header and one example line, UTF-8 with a BOM so Excel does not read it as GBK.
pub fn template_csv() -> Vec<u8> {
    let mut out = UTF8_BOM.to_vec();
    out.extend_from_slice(TEMPLATE_HEADERS.join(",").as_bytes());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice("zhangsan,张三,110101,\"考生,组织者\",科员\r\n".as_bytes());
    out
}

const TEMPLATE_WIDTHS: [f64; 5] = [18.0, 14.0, 14.0, 20.0, 14.0];
const ROLES_NOTE: &str =
    "角色可填：考生、组织者、管理员；一人可有多个角色，用逗号分隔，如“考生,组织者”。职级类别可不填。";

fn build_template_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    // Codes and logins typed into a General cell lose leading zeros; text keeps them.
    let text = Format::new().set_num_format("@");

    let sheet = workbook.add_worksheet();
    sheet.set_name("用户")?;
    for (col, (header, width)) in (0u16..).zip(TEMPLATE_HEADERS.iter().zip(TEMPLATE_WIDTHS)) {
        sheet.set_column_width(col, width)?;
        sheet.write_string_with_format(0, col, *header, &bold)?;
    }
    sheet.set_column_format(0, &text)?;
    sheet.set_column_format(2, &text)?;
    sheet.set_freeze_panes(1, 0)?;
    // Excel splits an inline list on ASCII commas, so the combined choice uses the
    // full-width comma, which parse_roles accepts too. A warning rather than a stop
    // leaves other combinations typeable.
    let roles = DataValidation::new()
        .allow_list_strings(&["考生", "组织者", "管理员", "考生，组织者"])?
        .set_input_title("角色")?
        .set_input_message("可选择，或填写多个角色并用逗号分隔，如：考生,管理员")?
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title("角色")?
        .set_error_message(ROLES_NOTE)?;
    let last_row = u32::try_from(MAX_DATA_ROWS).unwrap_or(u32::MAX);
    sheet.add_data_validation(1, 3, last_row, 3, &roles)?;

    let example = workbook.add_worksheet();
    example.set_name("示例")?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    example.merge_range(0, 0, 0, 4, ROLES_NOTE, &wrap)?;
    example.set_row_height(0, 36)?;
    for (col, (header, width)) in (0u16..).zip(TEMPLATE_HEADERS.iter().zip(TEMPLATE_WIDTHS)) {
        example.set_column_width(col, width)?;
        example.write_string_with_format(1, col, *header, &bold)?;
    }
    let rows: [[&str; 5]; 3] = [
        ["zhangsan", "张三", "110101", "考生", "科员"],
        ["lisi", "李四", "110102", "考生,组织者", ""],
        ["wangwu", "王五", "110101", "管理员", "处级"],
    ];
    for (r, values) in (2u32..).zip(rows) {
        for (col, value) in (0u16..).zip(values) {
            if !value.is_empty() {
                example.write_string(r, col, value)?;
            }
        }
    }
    workbook.save_to_buffer()
}
