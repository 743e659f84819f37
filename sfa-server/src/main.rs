//! `sfa-server`: the reference team server. It serves the sync endpoints of the
//! tenants of one PostgreSQL database over HTTP, each request authenticated by a
//! bearer token that names a tenant and a user, and replays pushed calls as that user.
//!
//! ```text
//! sfa-server serve --postgres URL [--listen 127.0.0.1:8787]
//! sfa-server tenant create --postgres URL --tenant T --admin-name NAME --admin-email E
//! sfa-server token create --postgres URL --tenant T --email E
//! sfa-server token revoke --postgres URL --token TOKEN
//! ```
//!
//! `--postgres` may be left out when `SFA_SERVER_POSTGRES` holds the connection string.
//! It listens on loopback unless told otherwise; put TLS in front of it (a reverse
//! proxy) before it leaves the machine.

mod routes;
mod tenants;
mod tokens;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use tenants::Tenants;
use tokens::Tokens;

/// The address `serve` listens on by default: loopback only.
const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

const USAGE: &str = "usage:
  sfa-server serve --postgres URL [--listen 127.0.0.1:8787]
  sfa-server tenant create --postgres URL --tenant T --admin-name NAME --admin-email EMAIL
  sfa-server token create --postgres URL --tenant T --email EMAIL
  sfa-server token revoke --postgres URL --token TOKEN
(--postgres defaults to $SFA_SERVER_POSTGRES)";

/// The command line's `--name value` options.
struct Options(Vec<(String, String)>);

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut out = Vec::new();
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let name = flag
                .strip_prefix("--")
                .ok_or_else(|| format!("unexpected argument {flag:?}"))?;
            let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
            out.push((name.to_string(), value.clone()));
        }
        Ok(Options(out))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn required(&self, name: &str) -> Result<&str, String> {
        self.get(name)
            .ok_or_else(|| format!("--{name} is required"))
    }

    fn postgres(&self) -> Result<String, String> {
        match self.get("postgres") {
            Some(url) => Ok(url.to_string()),
            None => std::env::var("SFA_SERVER_POSTGRES")
                .map_err(|_| "--postgres (or SFA_SERVER_POSTGRES) is required".to_string()),
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["serve", ..] => Options::parse(&args[1..]).and_then(|o| serve(&o)),
        ["tenant", "create", ..] => Options::parse(&args[2..]).and_then(|o| create_tenant(&o)),
        ["token", "create", ..] => Options::parse(&args[2..]).and_then(|o| create_token(&o)),
        ["token", "revoke", ..] => Options::parse(&args[2..]).and_then(|o| revoke_token(&o)),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sfa-server: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(options: &Options) -> Result<(), String> {
    let url = options.postgres()?;
    let listen: SocketAddr = options
        .get("listen")
        .unwrap_or(DEFAULT_LISTEN)
        .parse()
        .map_err(|_| "--listen is not an address like 127.0.0.1:8787".to_string())?;
    let tokens = Tokens::connect(&url).map_err(|e| format!("the token table: {e}"))?;
    let app = Arc::new(routes::App {
        tokens,
        tenants: Tenants::new(url),
    });
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        // The test harness and scripts wait for this line.
        println!("sfa-server listening on http://{bound}");
        axum::serve(listener, routes::router(app))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string())
    })
}

fn create_tenant(options: &Options) -> Result<(), String> {
    let url = options.postgres()?;
    let tenant = tokens::check_tenant_name(options.required("tenant")?)?;
    let sfa = sfa_core::Sfa::open_postgres(&url, tenant).map_err(|e| e.to_string())?;
    let admin = sfa
        .create_first_admin(&sfa_core::UserInput::admin(
            options.required("admin-name")?,
            options.required("admin-email")?,
        ))
        .map_err(|e| e.to_string())?;
    println!("tenant {tenant}: first admin {}", admin.id);
    Ok(())
}

fn create_token(options: &Options) -> Result<(), String> {
    let url = options.postgres()?;
    let tenant = tokens::check_tenant_name(options.required("tenant")?)?;
    let sfa = sfa_core::Sfa::open_postgres(&url, tenant).map_err(|e| e.to_string())?;
    let user = sfa
        .session_by_email(options.required("email")?)
        .map_err(|e| e.to_string())?
        .user_id();
    let tokens = Tokens::connect(&url).map_err(|e| format!("the token table: {e}"))?;
    let token = tokens.create(tenant, user).map_err(|e| e.to_string())?;
    // The token itself is shown once; only its hash is stored.
    println!("{token}");
    Ok(())
}

fn revoke_token(options: &Options) -> Result<(), String> {
    let url = options.postgres()?;
    let tokens = Tokens::connect(&url).map_err(|e| format!("the token table: {e}"))?;
    if tokens
        .revoke(options.required("token")?)
        .map_err(|e| e.to_string())?
    {
        println!("revoked");
        Ok(())
    } else {
        Err("no such token".into())
    }
}
