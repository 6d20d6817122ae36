// Prints its arguments as JSON, to show that they arrive exactly as given.
process.stdout.write(JSON.stringify(process.argv.slice(2)));
