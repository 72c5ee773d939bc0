//! `hocvuso`: the command line. It only parses arguments and calls into the
//! library crates, so tests start exactly what production starts.

mod ask;
mod bench;
mod bench_field;
mod bench_pages;
mod commands;
mod courses;
mod load;
mod reporting;
mod roster;
mod units;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// mimalloc rather than glibc's malloc: glibc keeps what a thread freed in
/// that thread's arena, so a few password checks (argon2 takes 19 MiB each,
/// on whichever blocking thread runs it) left the server at 120–480 MiB
/// when idle; with mimalloc it goes back to about 60 MiB
/// (`hocvuso bench load`, docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "hocvuso",
    version,
    about = "Hệ thống Phong trào “Bình dân học vụ số” cho xã"
)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives: `--database-url` wins, else an SQLite file in `--data-dir`.
#[derive(clap::Args, Clone)]
pub struct DbArgs {
    /// Thư mục dữ liệu (tệp SQLite, bản sao lưu).
    #[arg(
        long,
        global = true,
        default_value = "./data",
        env = "HOCVUSO_DATA_DIR"
    )]
    pub data_dir: PathBuf,
    /// Ví dụ postgres://user@127.0.0.1/hocvuso (mặc định: SQLite trong thư mục dữ liệu).
    #[arg(long, global = true, env = "HOCVUSO_DATABASE_URL")]
    pub database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Chạy máy chủ web.
    Serve {
        /// Nạp xã mẫu nếu sổ còn trống và in mật khẩu một lần của admin.
        #[arg(long)]
        demo: bool,
        /// Địa chỉ và cổng lắng nghe (0.0.0.0:8080 để máy khác trong mạng truy cập).
        #[arg(long, default_value = "127.0.0.1:8080", env = "HOCVUSO_BIND")]
        bind: String,
        /// Đánh dấu cookie Secure (khi chạy sau HTTPS).
        #[arg(long, env = "HOCVUSO_SECURE_COOKIES")]
        secure_cookies: bool,
        /// LLM cục bộ kiểu OpenAI (llama.cpp, Ollama, vLLM) để diễn đạt lại câu trả lời, ví dụ http://127.0.0.1:8081/v1.
        #[arg(long, env = "HOCVUSO_LLM_URL")]
        llm_url: Option<String>,
        /// Tên mô hình gửi cho LLM.
        #[arg(long, env = "HOCVUSO_LLM_MODEL", default_value = "local")]
        llm_model: String,
        /// Tên xã ghi trên giấy chứng nhận.
        #[arg(long, env = "HOCVUSO_COMMUNE", default_value = "xã Dân Tiến")]
        commune: String,
        /// Cỡ tỉnh: tổng hợp chỉ tiêu chạy nền mỗi N phút, bảng chỉ tiêu đọc bản tổng hợp (0: tính khi xem).
        #[arg(long, env = "HOCVUSO_SNAPSHOT_MINUTES", default_value_t = 0)]
        snapshot_minutes: u64,
        /// Máy chủ thư để gửi email nhắc báo cáo quý, ví dụ smtps://tên:mật-khẩu@mail.thainguyen.gov.vn hoặc smtp://tên:mật-khẩu@máy:587?tls=required (không có: chỉ nhắc qua Zalo).
        #[arg(long, env = "HOCVUSO_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// Người gửi thư nhắc, ví dụ "UBND xã Dân Tiến <vhxh.dantien@thainguyen.gov.vn>".
        #[arg(long, env = "HOCVUSO_SMTP_FROM", default_value = "")]
        smtp_from: String,
    },
    /// Các chỉ tiêu của Kế hoạch, tính từ dữ liệu (mặc định: quý hiện tại).
    Indicators {
        /// In dạng JSON: mã, tên, giá trị, chỉ tiêu, tử số, mẫu số, theo xóm, theo quý.
        #[arg(long)]
        json: bool,
        /// Quý, ví dụ 2026Q2.
        #[arg(long)]
        quarter: Option<String>,
        /// Tính lại và lưu bản tổng hợp của quý (dùng với serve --snapshot-minutes, hoặc chạy định kỳ).
        #[arg(long)]
        refresh: bool,
    },
    /// Báo cáo quý của xã ra tệp DOCX (thể thức Nghị định 30/2020/NĐ-CP), XLSX hoặc PDF.
    Report {
        /// Quý, ví dụ 2026Q2 (mặc định: quý hiện tại).
        #[arg(long)]
        quarter: Option<String>,
        /// docx, xlsx hoặc pdf.
        #[arg(long, default_value = "docx")]
        format: String,
        /// Tệp sẽ ghi ra.
        #[arg(long)]
        out: PathBuf,
        /// Tên xã ghi trên báo cáo.
        #[arg(long, env = "HOCVUSO_COMMUNE", default_value = "xã Dân Tiến")]
        commune: String,
    },
    /// Danh mục khóa học (có sẵn và trong <thư mục dữ liệu>/courses); `courses check THƯ_MỤC` kiểm tra tệp khóa học.
    Courses {
        /// In danh mục dạng JSON.
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<CoursesAction>,
    },
    /// Kế hoạch của xã: các nhiệm vụ (mục III) với tình trạng tính từ dữ liệu và lý do, trách nhiệm các đơn vị (mục V); `plan check TỆP` kiểm tra một tệp kế hoạch.
    Plan {
        /// In dạng JSON.
        #[arg(long)]
        json: bool,
        /// Tính tình trạng vào ngày cuối của quý này, ví dụ 2026Q3 (mặc định: hôm nay).
        #[arg(long)]
        quarter: Option<String>,
        #[command(subcommand)]
        action: Option<PlanAction>,
    },
    /// Tạo xã mẫu (hoặc dữ liệu cỡ tỉnh với --scale) mà không chạy web.
    Demo {
        /// Số cư dân của bộ dữ liệu đo hiệu năng (ví dụ 2000000); mặc định: xã mẫu.
        #[arg(long)]
        scale: Option<usize>,
        /// Hạt giống ngẫu nhiên: cùng hạt giống cho cùng dữ liệu.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Nhập cư dân (mặc định), danh sách cán bộ hoặc danh sách học sinh từ .xlsx, .xls, .ods, .csv (ghi tất cả hoặc không ghi gì).
    ///
    /// `--kind staff`: cán bộ, công chức của các đơn vị (cột Họ và tên, Ngày sinh hoặc Số CCCD,
    /// Đơn vị, Chức vụ, Phân loại); `--kind students --unit "Trường ..."`: học sinh của một
    /// trường theo lớp (Họ và tên, Ngày sinh, Lớp, Khối). Người trong danh sách phải có sẵn
    /// trong sổ dân cư: người không tìm thấy được liệt kê và không ghi; khi còn người như vậy
    /// thì không ghi gì, trừ khi thêm --skip-unmatched.
    Import {
        /// Tệp cần nhập.
        file: PathBuf,
        /// residents (mặc định), staff hoặc students.
        #[arg(long, default_value = "residents", value_name = "LOẠI")]
        kind: String,
        /// Đơn vị (staff: cho các dòng không ghi đơn vị) hoặc trường (students: bắt buộc).
        #[arg(long, value_name = "TÊN_ĐƠN_VỊ")]
        unit: Option<String>,
        /// Ghi những người đã khớp sổ dân cư, bỏ qua những người không tìm thấy (vẫn liệt kê).
        #[arg(long)]
        skip_unmatched: bool,
        /// Chỉ kiểm tra tệp và liệt kê chỗ cần sửa; không ghi gì.
        #[arg(long)]
        dry_run: bool,
    },
    /// Xuất sổ dân cư ra .xlsx.
    Export {
        /// Tệp .xlsx sẽ ghi ra.
        #[arg(long)]
        out: PathBuf,
        /// Kèm các cột dữ liệu nhạy cảm (dân tộc, ghi chú); mặc định không kèm.
        #[arg(long)]
        sensitive: bool,
    },
    /// Quản lý tài khoản người dùng.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Đo tốc độ nhập Excel và số yêu cầu/giây của các trang; in bảng kết quả.
    Bench {
        /// `indicators`: đo thời gian tính bảng chỉ tiêu (xã mẫu; thêm --scale cho cỡ tỉnh). `load`: thử tải 50 người dùng, có và không có kẻ tấn công (--seconds mỗi giai đoạn, --concurrency người dùng). `pages`: hồ sơ, danh sách và API trợ lý bằng wrk, cạnh máy chủ tối thiểu (--floor). `field`: danh sách xóm tải về điện thoại và gửi 500 bản ghi đi thực địa (--runs lần). Bỏ trống: nhập Excel và các trang.
        what: Option<String>,
        /// Với `bench indicators`: thêm một bộ dữ liệu cỡ tỉnh có chừng này cư dân.
        #[arg(long)]
        scale: Option<usize>,
        /// Với `bench indicators`: số lần tính mỗi dòng; với `bench field`: số lần gửi.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Với `bench indicators`: chỉ đo trên PostgreSQL.
        #[arg(long)]
        pg_only: bool,
        /// Số giây tải cho mỗi trang.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Số kết nối đồng thời.
        #[arg(long, default_value_t = 50)]
        concurrency: usize,
        /// Đo cả trên PostgreSQL này (tạo rồi xóa một schema tạm).
        #[arg(long, env = "HOCVUSO_BENCH_PG_URL")]
        pg_url: Option<String>,
        /// Với `bench pages`: chương trình máy chủ tối thiểu (../shared/bench/floor-server, bản release) để đo cạnh hocvuso.
        #[arg(long)]
        floor: Option<PathBuf>,
    },
    /// Hỏi trợ lý ảo hành chính (không cần mạng).
    Ask {
        /// Câu hỏi, ví dụ "làm giấy khai sinh ở đâu".
        question: Option<String>,
        /// Đọc từ đầu vào chuẩn mỗi dòng một JSON {"turns": [...]} và in mỗi dòng một JSON trả lời.
        #[arg(long)]
        jsonl: bool,
    },
    /// Đánh giá: `hocvuso eval assistant TỆP.jsonl` in bảng độ chính xác và độ trễ.
    Eval {
        /// Chỉ có `assistant`.
        what: String,
        /// Bộ câu hỏi JSONL (mặc định: bộ phát triển trong knowledge/eval).
        file: Option<PathBuf>,
        /// In từng câu trả lời sai.
        #[arg(long)]
        failures: bool,
    },
    /// Nội dung cần rà soát: `hocvuso knowledge check` liệt kê hồ sơ thủ tục và bài học còn trích văn bản đã bị thay thế, hồ sơ chưa kiểm tra lại trong 12 tháng, hồ sơ thiếu thời hạn, phí hoặc giấy tờ, văn bản sắp hết hiệu lực.
    Knowledge {
        #[command(subcommand)]
        action: KnowledgeAction,
    },
    /// Đơn vị của xã (trường, trạm y tế, các phòng, đoàn thể, xóm, Tổ công nghệ số) và thành viên.
    Unit {
        #[command(subcommand)]
        action: UnitAction,
    },
    /// Thêm xóm (kèm đơn vị xóm và Tổ công nghệ số cộng đồng của xóm), đổi tên hoặc gộp xóm.
    ///
    /// `hocvuso hamlet "Xóm Mới"` thêm xóm;
    /// `hocvuso hamlet --rename "Xóm Cũ" --to "Xóm Mới"` đổi tên xóm (và đơn vị xóm, Tổ của xóm);
    /// `hocvuso hamlet --merge "Xóm A" --into "Xóm B"` gộp xóm A vào xóm B. Tên xóm gõ có dấu hay không dấu đều được.
    Hamlet {
        /// Xóm cần thêm, ví dụ "Xóm Khuôn Lặng".
        name: Option<String>,
        /// Xóm cần đổi tên (cùng --to).
        #[arg(long, value_name = "XÓM")]
        rename: Option<String>,
        /// Tên mới của xóm (cùng --rename).
        #[arg(long, value_name = "TÊN_MỚI")]
        to: Option<String>,
        /// Xóm cần gộp (cùng --into): mọi hộ, người dân, thành viên tổ, tài khoản chuyển sang xóm --into.
        #[arg(long, value_name = "XÓM")]
        merge: Option<String>,
        /// Xóm nhận khi gộp (cùng --merge).
        #[arg(long, value_name = "XÓM")]
        into: Option<String>,
    },
    /// Nhật ký truy cập: `hocvuso audit verify` tính lại chuỗi mã băm từ mục đầu tiên và
    /// chỉ ra mục bị sửa, xóa, chèn hoặc đổi chỗ (mã thoát 1 nếu có).
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// Sao lưu tệp SQLite trong khi máy chủ vẫn chạy.
    Backup {
        /// Tệp sao lưu (không được trùng tệp đã có).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Kiểm tra chuỗi mã băm của nhật ký; in số mục, mã của mục cuối và các chỗ đứt.
    Verify,
}

#[derive(Subcommand)]
pub enum PlanAction {
    /// Kiểm tra một tệp kế hoạch (TOML); in mọi lỗi kèm tệp, dòng và cách sửa.
    Check {
        /// Tệp kế hoạch, ví dụ ke-hoach-2027.toml.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum KnowledgeAction {
    /// Kiểm tra nội dung có sẵn (hồ sơ thủ tục, bài học) với bảng văn bản đã thay đổi; có lỗi thì thoát với mã 1.
    Check {
        /// Ngày kiểm tra (YYYY-MM-DD), mặc định hôm nay theo giờ Việt Nam: để xem trước điều gì sẽ đến hạn.
        #[arg(long)]
        today: Option<String>,
        /// Chỉ in lỗi và mục cần xem lại, bỏ các lưu ý.
        #[arg(long)]
        brief: bool,
    },
}

#[derive(Subcommand)]
pub enum CoursesAction {
    /// Kiểm tra các tệp khóa học trong một thư mục; in mọi lỗi kèm tệp và dòng.
    Check {
        /// Thư mục chứa các khóa học (mỗi khóa một thư mục con).
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum UnitAction {
    /// Liệt kê các loại đơn vị, cấp học và loại thành viên cùng mã.
    Types,
    /// Thêm một đơn vị.
    Add {
        /// Tên đơn vị, ví dụ "Trường Tiểu học Dân Tiến".
        name: String,
        /// Mã loại đơn vị (xem `hocvuso unit types`), ví dụ truong_hoc.
        #[arg(long = "type")]
        unit_type: String,
        /// Xóm (bắt buộc với xom và to_cnscd).
        #[arg(long)]
        hamlet: Option<String>,
        /// Cấp học của trường: mam_non, tieu_hoc, thcs, lien_cap.
        #[arg(long)]
        level: Option<String>,
    },
    /// Liệt kê các đơn vị: mã số, tên, loại, xóm, số thành viên, còn hoạt động.
    List {
        /// In JSON.
        #[arg(long)]
        json: bool,
    },
    /// Thành viên của đơn vị.
    Member {
        #[command(subcommand)]
        action: MemberAction,
    },
}

#[derive(Subcommand)]
pub enum MemberAction {
    /// Thêm một người trong sổ dân cư vào đơn vị (hoặc đổi chức vụ, loại).
    Add {
        /// Tên đơn vị (gõ có dấu hay không đều được).
        unit: String,
        /// Số CCCD của người đó (12 chữ số).
        #[arg(long)]
        citizen_id: Option<String>,
        /// Hoặc mã số cư dân trong sổ.
        #[arg(long)]
        resident_id: Option<i64>,
        /// Chức vụ, ví dụ "Công chức Văn hóa – Xã hội".
        #[arg(long)]
        position: Option<String>,
        /// can_bo, cong_chuc, vien_chuc, khong_chuyen_trach, giao_vien, thanh_vien_to, khac.
        #[arg(long)]
        category: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum UserAction {
    /// Tạo tài khoản với mật khẩu một lần (chỉ in một lần).
    Add {
        /// Tên đăng nhập (chữ thường không dấu).
        username: String,
        /// Vai trò: admin, phong_vhxh, bao_cao_don_vi, truong_xom, to_cnscd, nguoi_dan
        #[arg(long)]
        role: String,
        /// Họ tên người dùng.
        #[arg(long)]
        name: Option<String>,
        /// Tên xóm, cho truong_xom và to_cnscd.
        #[arg(long)]
        hamlet: Option<String>,
        /// Mã đơn vị, cho bao_cao_don_vi.
        #[arg(long)]
        unit: Option<i64>,
        /// Mã cư dân, cho nguoi_dan.
        #[arg(long)]
        resident: Option<i64>,
    },
    /// Đặt mật khẩu một lần mới (chỉ in một lần).
    ResetPassword {
        /// Tên đăng nhập.
        username: String,
    },
    /// Liệt kê tài khoản.
    List,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let db = cli.db;
    let result = match cli.command {
        Command::Serve {
            demo,
            bind,
            secure_cookies,
            llm_url,
            llm_model,
            commune,
            snapshot_minutes,
            smtp_url,
            smtp_from,
        } => {
            let llm = llm_url.map(|base_url| hocvuso_web::llm::LlmConfig {
                base_url,
                model: llm_model,
                timeout: std::time::Duration::from_secs(20),
            });
            let smtp = smtp_url.map(|url| hocvuso_web::mail::SmtpConfig {
                url,
                from: smtp_from,
            });
            let web = hocvuso_web::WebConfig {
                secure_cookies,
                llm,
                commune,
                snapshot_minutes,
                smtp,
                ..Default::default()
            };
            commands::serve(db, demo, bind, web).await
        }
        Command::Demo { scale, seed } => commands::demo(db, scale, seed).await,
        Command::Import {
            file,
            kind,
            unit,
            skip_unmatched,
            dry_run,
        } => match kind.trim() {
            "residents" | "cu_dan" if unit.is_none() && !skip_unmatched => {
                commands::import(db, file, dry_run).await
            }
            "residents" | "cu_dan" => Err(anyhow::anyhow!(
                "--unit và --skip-unmatched chỉ dùng với --kind staff hoặc --kind students"
            )),
            other => match hocvuso_import::RosterKind::from_code(other) {
                Some(kind) => {
                    roster::import(
                        db,
                        roster::RosterArgs {
                            kind,
                            file,
                            unit,
                            skip_unmatched,
                            dry_run,
                        },
                    )
                    .await
                }
                None => Err(anyhow::anyhow!(
                    "Không có loại danh sách \"{other}\": dùng --kind residents (cư dân, mặc định), staff (cán bộ) hoặc students (học sinh)"
                )),
            },
        },
        Command::Export { out, sensitive } => commands::export(db, out, sensitive).await,
        Command::User { action } => commands::user(db, action).await,
        Command::Backup { out } => commands::backup(db, out).await,
        Command::Audit {
            action: AuditCommand::Verify,
        } => commands::audit_verify(db).await,
        Command::Bench {
            what: Some(what),
            scale,
            runs,
            pg_url,
            pg_only,
            ..
        } if what == "indicators" => reporting::bench(pg_url, scale, runs, pg_only).await,
        Command::Bench {
            what: Some(what),
            seconds,
            concurrency,
            ..
        } if what == "load" => {
            load::run(load::LoadArgs {
                seconds,
                users: concurrency,
            })
            .await
        }
        Command::Bench {
            what: Some(what),
            seconds,
            concurrency,
            floor,
            ..
        } if what == "pages" => {
            bench_pages::run(bench_pages::PagesArgs {
                seconds,
                concurrency,
                floor,
            })
            .await
        }
        Command::Bench {
            what: Some(what),
            runs,
            ..
        } if what == "field" => bench_field::run(bench_field::FieldArgs { runs }).await,
        Command::Bench {
            what: Some(what), ..
        } => Err(anyhow::anyhow!(
            "không có phép đo `{what}`; dùng `hocvuso bench`, `hocvuso bench pages`, `hocvuso bench indicators`, `hocvuso bench load` hoặc `hocvuso bench field`"
        )),
        Command::Bench {
            seconds,
            concurrency,
            pg_url,
            ..
        } => {
            bench::run(bench::BenchArgs {
                seconds,
                concurrency,
                pg_url,
            })
            .await
        }
        Command::Ask { question, jsonl } => ask::ask(db, question, jsonl).await,
        Command::Eval {
            what,
            file,
            failures,
        } => ask::eval(db, &what, file, failures).await,
        Command::Hamlet {
            name,
            rename,
            to,
            merge,
            into,
        } => commands::hamlet(db, name, rename, to, merge, into).await,
        Command::Unit { action } => units::run(db, action).await,
        Command::Indicators {
            json,
            quarter,
            refresh,
        } => reporting::indicators(db, json, quarter, refresh).await,
        Command::Report {
            quarter,
            format,
            out,
            commune,
        } => reporting::report(db, quarter, format, out, commune).await,
        Command::Plan {
            json,
            quarter,
            action,
        } => match action {
            Some(PlanAction::Check { file }) => reporting::plan_check(&db, &file),
            None => reporting::plan(db, json, quarter).await,
        },
        Command::Knowledge {
            action: KnowledgeAction::Check { today, brief },
        } => courses::knowledge_check(&db, today.as_deref(), brief),
        Command::Courses { json, action } => {
            let check = action.map(|CoursesAction::Check { dir }| dir);
            courses::run(db, check, json)
        }
    };
    if let Err(e) = result {
        eprintln!("Lỗi: {e:#}");
        std::process::exit(1);
    }
}
