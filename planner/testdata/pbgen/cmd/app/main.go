package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"strconv"

	"example.com/pbgen/proto/taskpb"
	"example.com/pbgen/server"
	"example.com/pbgen/tasks"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	s := &server.TaskServer{Tasks: tasks.New()}
	http.HandleFunc("POST /tasks", func(w http.ResponseWriter, r *http.Request) {
		t, err := s.CreateTask(r.Context(), &taskpb.CreateTaskRequest{Title: r.FormValue("title")})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		json.NewEncoder(w).Encode(t)
	})
	http.HandleFunc("GET /tasks/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		t, err := s.GetTask(r.Context(), &taskpb.GetTaskRequest{Id: id})
		if err != nil {
			http.Error(w, err.Error(), 404)
			return
		}
		json.NewEncoder(w).Encode(t)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
