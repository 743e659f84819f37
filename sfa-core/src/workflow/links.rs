//! Click-to-mail, click-to-call and the homepage link.

use serde::{Deserialize, Serialize};

use crate::model::{Company, Person};
use crate::normalize::{mailto_uri, tel_uri};

/// The URIs a host app opens to mail or call a person.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactLinks {
    /// `mailto:` URI of the e-mail address.
    pub mailto: Option<String>,
    /// `tel:` URI of the office phone.
    pub office_tel: Option<String>,
    /// `tel:` URI of the mobile phone.
    pub mobile_tel: Option<String>,
}

/// The URIs a host app opens for a company.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CompanyLinks {
    /// The homepage, an absolute `http(s)` URL.
    pub homepage: Option<String>,
    /// `tel:` URI of the main phone.
    pub tel: Option<String>,
}

impl Person {
    /// `mailto:` and `tel:` URIs from the stored (already normalised) values.
    pub fn contact_links(&self) -> ContactLinks {
        ContactLinks {
            mailto: self.email.as_deref().map(mailto_uri),
            office_tel: self.office_phone.as_deref().map(tel_uri),
            mobile_tel: self.mobile_phone.as_deref().map(tel_uri),
        }
    }
}

impl Company {
    /// The homepage URL and `tel:` URI from the stored (already normalised) values.
    pub fn links(&self) -> CompanyLinks {
        CompanyLinks {
            homepage: self.website.clone(),
            tel: self.phone.as_deref().map(tel_uri),
        }
    }
}
