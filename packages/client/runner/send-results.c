/* abaco-send-results: the results sender of the abacosamples/node_func image (Node has no Unix
 * datagram sockets). Reads datagrams from standard input, each a 4-byte big-endian length and its
 * bytes (at most 131072), and sends each to the Unix datagram socket named by the last argument.
 * Built static, so the image needs no more libraries than Node's. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int read_all(char *buffer, size_t size) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = read(0, buffer + got, size - got);
    if (n <= 0) return got == 0 ? 0 : -1;
    got += (size_t)n;
  }
  return 1;
}

int main(int argc, char **argv) {
  static char buffer[131072];
  if (argc < 2) {
    fputs("usage: abaco-send-results SOCKET < framed-datagrams\n", stderr);
    return 2;
  }
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  strncpy(address.sun_path, argv[argc - 1], sizeof address.sun_path - 1);
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("abaco-send-results");
    return 1;
  }
  for (;;) {
    uint32_t length;
    int status = read_all((char *)&length, sizeof length);
    if (status == 0) return 0;
    length = ntohl(length);
    if (status < 0 || length > sizeof buffer || read_all(buffer, length) != 1) {
      fputs("abaco-send-results: bad or truncated input\n", stderr);
      return 1;
    }
    if (sendto(fd, buffer, length, 0, (struct sockaddr *)&address, sizeof address) < 0) {
      perror("abaco-send-results");
      return 1;
    }
  }
}
