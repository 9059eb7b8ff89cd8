// rulec: the compiler driver (subcommands parse, check).
int main() { return 0; }
