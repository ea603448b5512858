# A Python app in a single stage: the sources are copied before the
# dependencies are installed, so every code change reinstalls them, the
# build tools stay in the image, and it runs as root.
FROM python:3.12
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
EXPOSE 8000
CMD python -m app
