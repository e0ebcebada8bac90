//! Creates a SCRAM-SHA database user `NAME` with `readWriteAnyDatabase` in the project
//! `MONGODB_ATLAS_PROJECT_ID`; the password comes from `MONGODB_ATLAS_DB_PASSWORD`.
//!
//! `cargo run -p atlas-admin --example create_database_user -- NAME`

use atlas_admin::models::{CloudDatabaseUser, CloudDatabaseUserDatabaseName, DatabaseUserRole};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::args().nth(1).ok_or("usage: create_database_user NAME")?;
    let client = atlas_admin::Client::from_env()?;
    let project: atlas_admin::models::ObjectId = std::env::var("MONGODB_ATLAS_PROJECT_ID")?.parse()?;
    let mut user = CloudDatabaseUser::new(
        CloudDatabaseUserDatabaseName::Admin,
        vec![DatabaseUserRole::new("admin".into(), "readWriteAnyDatabase".into())],
        name,
    );
    user.group_id = Some(project.to_string());
    user.password = Some(std::env::var("MONGODB_ATLAS_DB_PASSWORD")?);
    // The spec's prose rule (a SCRAM-SHA user needs a password) on top of its constraints.
    user.validate_create()?;
    let created = client.database_users().create_database_user(project, user).send().await?;
    // `Debug` never shows the password.
    println!("created {:?}", created.username);
    Ok(())
}
