//! The one hand-written operation: `submitKycStep` as `multipart/form-data`, the way the official
//! Python SDK's `reseller.upload_kyc_document` uploads a document. progenitor generates one body
//! type per operation, so the generated `submit_kyc_step()` sends the JSON form; this builder
//! sends the multipart form through the same call path (`call.rs`: headers, checks, no retry of a
//! POST, the response-size limit, typed errors).

use std::sync::OnceLock;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};

use crate::{Error, Operation, types};

/// Request builder of [`crate::Client::upload_kyc_document`]: `POST /reseller/kyc/steps/{step}`
/// (operation `submitKycStep`) with form fields `user_id`, `region`, `carrier` and the file part
/// `document`.
#[derive(Clone, Debug)]
#[must_use = "a request builder sends nothing until `.send()`"]
pub struct UploadKycDocument<'a> {
    client: &'a crate::Client,
    step: Option<String>,
    user_id: Option<i64>,
    region: Option<String>,
    carrier: Option<String>,
    document: Option<(String, Bytes)>,
    content_type: Option<String>,
    headers: crate::call::ExtraHeaders,
}

impl crate::Client {
    /// Upload a document for a KYC step whose method is "upload" (reseller accounts only; the
    /// Python SDK's `reseller.upload_kyc_document`). `getKycRequirements` lists the steps, the
    /// accepted formats and the size limit.
    ///
    /// `POST /reseller/kyc/steps/{step}` (operation `submitKycStep`) as multipart/form-data;
    /// for the JSON steps use [`crate::Client::submit_kyc_step`].
    pub fn upload_kyc_document(&self) -> UploadKycDocument<'_> {
        UploadKycDocument {
            client: self,
            step: None,
            user_id: None,
            region: None,
            carrier: None,
            document: None,
            content_type: None,
            headers: Default::default(),
        }
    }
}

impl<'a> UploadKycDocument<'a> {
    /// Carrier-specific step name (e.g. `upload-pan`). Required.
    pub fn step(mut self, step: impl Into<String>) -> Self {
        self.step = Some(step.into());
        self
    }

    /// Client user ID. Required.
    pub fn user_id(mut self, user_id: i64) -> Self {
        self.user_id = Some(user_id);
        self
    }

    /// Region. Required.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Carrier (sent only when given).
    pub fn carrier(mut self, carrier: impl Into<String>) -> Self {
        self.carrier = Some(carrier.into());
        self
    }

    /// The document: its file name (required, as the SDK requires one for bytes) and content.
    pub fn document(mut self, file_name: impl Into<String>, content: impl Into<Bytes>) -> Self {
        self.document = Some((file_name.into(), content.into()));
        self
    }

    /// The document's media type (e.g. `application/pdf`); by default none is sent, as the SDK
    /// does for bytes.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Send one more header with this request (see the generated builders' `header`).
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<reqwest::header::HeaderName>,
        V: TryInto<reqwest::header::HeaderValue>,
    {
        self.headers.insert(name, value);
        self
    }

    /// Send the upload. Never retried automatically (a POST).
    pub async fn send(self) -> Result<ResponseValue<types::SubmitKycStepResponse>, Error> {
        let operation = submit_kyc_step();
        let invalid = |message: &str| Error::InvalidRequest {
            operation: operation.id,
            message: message.to_string(),
        };
        let step = self
            .step
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid("step is required"))?;
        let user_id = self.user_id.ok_or_else(|| invalid("user_id is required"))?;
        let region = self
            .region
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid("region is required"))?;
        let (file_name, content) = self
            .document
            .filter(|(name, _)| !name.is_empty())
            .ok_or_else(|| invalid("document (with a file name) is required"))?;
        let mut part = reqwest::multipart::Part::stream(content).file_name(file_name);
        if let Some(ct) = &self.content_type {
            part = part
                .mime_str(ct)
                .map_err(|_| invalid("content_type is not a media type"))?;
        }
        let mut form = reqwest::multipart::Form::new()
            .text("user_id", user_id.to_string())
            .text("region", region);
        if let Some(carrier) = self.carrier {
            form = form.text("carrier", carrier);
        }
        let form = form.part("document", part);
        let raw = &self.client.raw;
        let url = format!(
            "{}/reseller/kyc/steps/{}",
            raw.baseurl(),
            progenitor_client::encode_path(&step)
        );
        let call = async move {
            let info = OperationInfo {
                operation_id: "submit_kyc_step",
            };
            let mut request = raw
                .client()
                .post(url)
                .header(reqwest::header::ACCEPT, "application/json")
                .multipart(form)
                .build()?;
            raw.pre::<types::Error>(&mut request, &info).await?;
            let response = raw.exec(request, &info).await?;
            match response.status().as_u16() {
                200..=299 => ResponseValue::from_response(response).await,
                401 | 404 | 429 | 500..=599 => Err(progenitor_client::Error::ErrorResponse(
                    ResponseValue::<types::Error>::from_response(response).await?,
                )),
                _ => Err(progenitor_client::Error::UnexpectedResponse(response)),
            }
        };
        crate::call::send(operation, self.headers, call).await
    }
}

/// The table entry of `submitKycStep`, looked up once.
fn submit_kyc_step() -> &'static Operation {
    static OP: OnceLock<&'static Operation> = OnceLock::new();
    OP.get_or_init(|| {
        crate::OPERATIONS
            .iter()
            .find(|o| o.id == "submitKycStep")
            .unwrap_or(&FALLBACK)
    })
}

/// Never used while the spec has `submitKycStep` (a test checks that it does).
static FALLBACK: Operation = Operation {
    id: "submitKycStep",
    rust_name: "submit_kyc_step",
    method: "POST",
    path: "/reseller/kyc/steps/{step}",
    tags: &["Reseller"],
    accepts_idempotency_key: false,
    signature: "",
};

#[cfg(test)]
mod tests {
    #[test]
    fn the_operation_is_in_the_table() {
        let op = super::submit_kyc_step();
        assert!(std::ptr::eq(
            op,
            crate::OPERATIONS
                .iter()
                .find(|o| o.id == "submitKycStep")
                .unwrap()
        ));
        assert_eq!(op.path, "/reseller/kyc/steps/{step}");
    }
}
