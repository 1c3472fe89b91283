//! One file per page.

pub mod dashboard;
pub mod dev_mail;
pub mod flash;
pub mod forgot_password;
pub mod home;
pub mod login;
pub mod not_found;
pub mod reset_password;
pub mod signup;
pub mod verify_email;
