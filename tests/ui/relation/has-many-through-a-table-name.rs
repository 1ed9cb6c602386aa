#[derive(juggler::Model)]
struct Physician {
    id: i64,
    #[relation(has_many(through = "appointments"))]
    patients: juggler::HasMany<Patient>,
}

#[derive(juggler::Model)]
struct Patient {
    id: i64,
}

fn main() {}
