//! Making the database refuse one row, to see a batch fail and its other rows survive.

use paddock::server::db::Database;

/// A trigger that refuses any insert into `table` whose `column` is `value`.
pub async fn refuse_inserts(db: &Database, table: &str, column: &str, value: &str) {
    match db {
        Database::Sqlite(pool) => {
            let refuse = format!(
                "CREATE TRIGGER refuse BEFORE INSERT ON {table} WHEN NEW.{column} = '{value}' \
                 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            );
            sqlx::query(&refuse).execute(pool).await.map(drop)
        }
        Database::Postgres(pool) => {
            let function = format!(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN \
                 IF NEW.{column} = '{value}' THEN RAISE EXCEPTION 'refused by the test'; \
                 END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            );
            let trigger = format!(
                "CREATE TRIGGER refuse BEFORE INSERT ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION refuse()"
            );
            sqlx::query(&function)
                .execute(pool)
                .await
                .expect("function");
            sqlx::query(&trigger).execute(pool).await.map(drop)
        }
    }
    .expect("trigger");
}
