//! The users of the organization `MONGODB_ATLAS_ORG_ID`, pending invitations told from active
//! members (the spec's `OrgUserResponse` union, chosen by `orgMembershipStatus`).

use atlas_admin::models::OrgUserResponse;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = atlas_admin::Client::from_env()?;
    let org = std::env::var("MONGODB_ATLAS_ORG_ID")?.parse()?;
    let page = client.mongo_db_cloud_users().list_org_users(org).items_per_page(500).send().await?;
    for user in page.results.unwrap_or_default() {
        match user {
            OrgUserResponse::Active(user) => println!("active   {}", user.username.as_deref().unwrap_or("?")),
            OrgUserResponse::Pending(user) => {
                println!("pending  {} (invited by {})", user.username.as_deref().unwrap_or("?"), user.inviter_username.as_deref().unwrap_or("?"))
            }
            OrgUserResponse::Unknown(other) => println!("unknown  {other}"),
            // Generated enums are #[non_exhaustive]: a kind Atlas adds later is additive.
            other => println!("other    {other:?}"),
        }
    }
    Ok(())
}
