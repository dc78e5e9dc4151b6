use std::path::PathBuf;

/// Why a spec could not be loaded or converted. Each variant names where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read.
    #[error("cannot read spec {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The text is not valid YAML (or uses YAML features JSON cannot hold, e.g. non-string keys).
    #[error("{origin}:{}: invalid YAML: {message}", fmt_line(*.line, *.column))]
    Yaml {
        origin: String,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },

    /// The document parsed, but a part of it has the wrong shape.
    #[error("{origin}: at {pointer}: {message}")]
    Shape {
        origin: String,
        pointer: String,
        message: String,
    },

    /// The converted 3.0 document was rejected by `openapiv3`.
    #[error("{origin}: the OpenAPI 3.0 form of the spec is not readable by openapiv3: {message}")]
    OpenApiV3 { origin: String, message: String },
}

fn fmt_line(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{l}:{c}"),
        (Some(l), None) => l.to_string(),
        _ => "?".to_string(),
    }
}
