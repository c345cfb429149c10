import sys


def main():
    data = sys.stdin.buffer.read().split()
    if not data:
        return
    n = int(data[0])

    print(n)


if __name__ == "__main__":
    main()
