// Command clinic runs the clinic's batch jobs over its data directory.
//
// Usage:
//
//	clinic [-data dir] [-now time] [-audit file] [-user name] command [flags] [args]
//
// The data directory holds clinic.json (settings), staff.json (the roster),
// patients.csv (the register), formulary.json (medicines and stock),
// appointments.csv (the appointment book) and prescriptions.csv (what has
// been dispensed). Every run loads them afresh.
//
// Commands:
//
//	import FILE              check and add the patients of a CSV file
//	rota [-week DATE]        the staff rota of a week and the days without cover
//	schedule [-days N] FILE  book a CSV file of appointment requests
//	dispense FILE            dispense a CSV file of new prescriptions
//	bill [-month YYYY-MM] [-issue]
//	                         draft (or issue) the month's invoices
//	remind [-day DATE] [-opt-out ADDR,...]
//	                         send the reminders due on a day to the outbox
//	report [-month YYYY-MM]  the monthly management report
//
// -now sets the clinic's clock (RFC 3339, or a date for midnight UTC), to
// replay a day's jobs; the default is the real time.
package main
