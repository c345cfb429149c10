import sys


def main():
    # one line at a time: the program answers as soon as its input is
    # typed, without waiting for the end of it
    line = sys.stdin.readline()
    if not line.strip():
        return
    n = int(line)

    print(n)


if __name__ == "__main__":
    main()
