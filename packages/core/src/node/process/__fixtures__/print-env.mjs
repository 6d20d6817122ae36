// Prints its working directory and environment as JSON.
process.stdout.write(JSON.stringify({ cwd: process.cwd(), env: process.env }));
